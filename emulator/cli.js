// `npm run emulator -- --port N`: runs the emulator in the foreground until SIGINT/SIGTERM (flags: --help).
// @ts-check
import { parseArgs } from 'node:util'
import { KEYS } from './api.js'
import { start } from './server.js'

const USAGE = `Usage: node emulator/cli.js [--port N]
  --port N    port on 127.0.0.1 (default 8787; 0 picks a free port)
  --help, -h  prints this usage`

/**
 * @param {string} message
 * @returns {never}
 */
function usageError(message) {
  console.error(`emulator: ${message}\n${USAGE}`)
  process.exit(2)
}

function readOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error))
  }
}

const values = readOptions()
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

const port = Number(values.port)
if (!/^\d+$/.test(values.port) || port > 65535) usageError(`invalid --port "${values.port}"`)

const emulator = await start({ port }).catch((/** @type {unknown} */ error) => {
  console.error(
    `emulator: cannot listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`
  )
  process.exit(1)
})

/** @param {NodeJS.Signals} signal */
async function stop(signal) {
  await emulator.close()
  console.log(`Qonversion emulator stopped (${signal})`)
  process.exit(0)
}
process.once('SIGINT', (signal) => void stop(signal))
process.once('SIGTERM', (signal) => void stop(signal))
// Announced only once the handlers exist: whoever reads this line may signal straight away.
console.log(`Qonversion emulator listening on ${emulator.apiUrl} (keys: ${KEYS.join(', ')})`)
