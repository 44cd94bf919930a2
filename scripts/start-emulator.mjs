// `node scripts/start-emulator.mjs [--port N] [--log FILE]`: starts the emulator in the background, detached so it
// outlives this CI step on Linux, macOS and Windows alike, and returns once it answers (exit 1 after 30 s).
// @ts-check
import { spawn } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { get } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: { port: { type: 'string', default: '8787' }, log: { type: 'string', default: 'emulator.log' } }
})
const { port, log } = values
const READY_WITHIN_S = 30

/** Resolves true once anything answers HTTP on the port. */
function answers() {
  return new Promise((resolve) => {
    /** @type {import('node:http').ClientRequest} */
    let request
    try {
      request = get(
        `http://127.0.0.1:${port}/v4/integrations/meta`,
        { headers: { Authorization: 'Bearer test_sk_emulator' }, timeout: 1000 },
        (response) => {
          response.resume()
          resolve(true)
        }
      )
    } catch {
      return resolve(false) // an invalid port: the emulator refuses it too, and its log says why
    }
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(false))
  })
}

const output = openSync(log, 'w')
const child = spawn(process.execPath, [join(ROOT, 'emulator', 'cli.js'), '--port', port], {
  detached: true,
  stdio: ['ignore', output, output],
  windowsHide: true
})
child.unref()
/** @type {number | null | undefined} */
let exitCode
child.on('exit', (code) => (exitCode = code))

for (let second = 0; second < READY_WITHIN_S && exitCode === undefined; second++) {
  if (await answers()) {
    console.log(`The emulator (pid ${child.pid}) answers on http://127.0.0.1:${port}/v4; its log: ${log}`)
    process.exit(0)
  }
  await new Promise((resolve) => setTimeout(resolve, 1000))
}
console.log(
  exitCode === undefined
    ? `::error::The emulator did not answer on port ${port} within ${READY_WITHIN_S} seconds.`
    : `::error::The emulator exited (code ${exitCode}) before it answered on port ${port}.`
)
console.log(readFileSync(log, 'utf8'))
process.exit(1)
