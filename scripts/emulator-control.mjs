// `node scripts/emulator-control.mjs <route> [json-body]`: calls the running emulator's /__emulator/<route> (POST with
// the JSON body, GET without one) on port $EMULATOR_PORT (default 8787) and prints its JSON answer; exits 1 when the
// emulator does not answer or answers with an error, 2 on a usage error. Used by CI's action job.
// @ts-check

const USAGE = `Usage: node scripts/emulator-control.mjs <route> [json-body]
  route      faults, records, records?env=sandbox, scenarios, … (the part after /__emulator/)
  json-body  sent with POST; without it the route is read with GET
  EMULATOR_PORT  the emulator's port on 127.0.0.1 (default 8787)`
const TIMEOUT_MS = 10_000

/**
 * @param {string} message
 * @param {number} code
 * @returns {never}
 */
function fail(message, code) {
  console.error(`emulator-control: ${message}`)
  process.exit(code)
}

const [route, body, ...extra] = process.argv.slice(2)
if (route === '--help' || route === '-h') {
  console.log(USAGE)
  process.exit(0)
}
if (!route || extra.length > 0) fail(`expected a route and at most one JSON body\n${USAGE}`, 2)
if (body !== undefined) {
  try {
    JSON.parse(body)
  } catch (error) {
    fail(`the body is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${body}`, 2)
  }
}
const port = process.env.EMULATOR_PORT || '8787'
if (!/^\d+$/.test(port) || Number(port) > 65535) fail(`invalid EMULATOR_PORT "${port}"`, 2)

const url = `http://127.0.0.1:${port}/__emulator/${route.replace(/^\/+/, '')}`
const method = body === undefined ? 'GET' : 'POST'
/** @type {Response} */
let response
try {
  response = await globalThis.fetch(url, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    signal: globalThis.AbortSignal.timeout(TIMEOUT_MS)
  })
} catch (error) {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  fail(
    `${method} ${url}: no answer (${cause instanceof Error ? cause.message : String(cause)}); is the emulator running on port ${port}?`,
    1
  )
}
const text = await response.text()
if (!response.ok) fail(`${method} ${url} answered ${response.status}: ${text}`, 1)
try {
  JSON.parse(text)
} catch {
  fail(`${method} ${url} answered ${response.status} with something other than JSON: ${text}`, 1)
}
console.log(text)
