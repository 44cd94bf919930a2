// `npm run emulator -- --port N …`: runs the emulator in the foreground until SIGINT/SIGTERM (flags: --help).
// @ts-check
import { parseArgs } from 'node:util'
import { KEYS } from './api.js'
import { start } from './server.js'
import { DEFAULT_SETTINGS, checkSettings } from './traffic.js'

const USAGE = `Usage: node emulator/cli.js [--port N] [--latency-ms N] [--rate-limit N] [--retry-after S]
  --port N          port on 127.0.0.1 (default 8787; 0 picks a free port)
  --latency-ms N    milliseconds added to every API request (default 0)
  --rate-limit N    API requests per second; beyond that 429 with Retry-After (default: no limit)
  --retry-after S   seconds in that Retry-After header (default 1)`

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
        'latency-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        'retry-after': { type: 'string' },
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

/** @param {'latency-ms' | 'rate-limit' | 'retry-after'} flag */
function integerFlag(flag) {
  const value = values[flag]
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) usageError(`invalid --${flag} "${value}": expected a whole number`)
  return Number(value)
}
const traffic = {
  latencyMs: integerFlag('latency-ms'),
  rateLimit: integerFlag('rate-limit'),
  retryAfter: integerFlag('retry-after')
}
try {
  checkSettings(traffic, DEFAULT_SETTINGS)
} catch (error) {
  usageError(error instanceof Error ? error.message : String(error))
}

const emulator = await start({ port, ...traffic }).catch((/** @type {unknown} */ error) => {
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
const shaping = [
  traffic.latencyMs ? `latency ${traffic.latencyMs} ms` : '',
  traffic.rateLimit ? `rate limit ${traffic.rateLimit}/s, Retry-After ${traffic.retryAfter ?? 1} s` : ''
]
  .filter(Boolean)
  .map((text) => `; ${text}`)
  .join('')
console.log(`Qonversion emulator listening on ${emulator.apiUrl} (keys: ${KEYS.join(', ')}${shaping})`)
