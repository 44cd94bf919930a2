// Queued fault injection: which requests misbehave, and the broken answers they get.
// @ts-check
import { errorReply, rateLimited } from './errors.js'
import { rawReply } from './reply.js'

/** @typedef {import('./reply.js').Reply} Reply */
/**
 * @typedef {'rate-limit' | 'server-error' | 'html-502' | 'delay' | 'malformed-json' | 'drop-before' | 'drop-after'} FaultKind
 */
/**
 * @typedef {object} FaultSpec
 * @property {{ method?: string, path?: string }} [match] path is exact, or a prefix when it ends in `*`
 * @property {FaultKind} kind
 * @property {number} [count] how many matching requests get it (default 1)
 * @property {number} [retryAfter] rate-limit: the Retry-After header in seconds (default 1)
 * @property {number} [status] server-error: 500-599 (default 500)
 * @property {number} [delayMs] delay: milliseconds (default 1000)
 */
/**
 * @typedef {object} Fault
 * @property {number} id
 * @property {{ method: string | null, path: string | null }} match
 * @property {FaultKind} kind
 * @property {number} count remaining matching requests
 * @property {number} [retryAfter] rate-limit only
 * @property {number} [status] server-error only
 * @property {number} [delayMs] delay only
 */

export const FAULT_KINDS = /** @type {const} */ ([
  'rate-limit',
  'server-error',
  'html-502',
  'delay',
  'malformed-json',
  'drop-before',
  'drop-after'
])
const SPEC_KEYS = ['match', 'kind', 'count', 'retryAfter', 'status', 'delayMs']
/** Which kind reads which of the optional settings, so a setting the kind ignores is refused, not dropped. */
const USED_BY = { retryAfter: 'rate-limit', status: 'server-error', delayMs: 'delay' }

export class FaultQueue {
  /** @type {Fault[]} */
  #pending = []
  #nextId = 1

  /**
   * Throws a TypeError naming the bad option: a mistyped fault would otherwise silently never fire.
   * @param {FaultSpec} spec
   * @returns {Fault}
   */
  add(spec) {
    const fault = normalize(spec, this.#nextId)
    this.#nextId += 1
    this.#pending.push(fault)
    return { ...fault, match: { ...fault.match } }
  }

  /**
   * Consumes one use of the oldest matching fault.
   * @param {string} method
   * @param {string} path
   * @returns {Fault | undefined}
   */
  take(method, path) {
    const index = this.#pending.findIndex((f) => matches(f, method, path))
    if (index < 0) return undefined
    const fault = this.#pending[index]
    fault.count -= 1
    if (fault.count === 0) this.#pending.splice(index, 1)
    return { ...fault }
  }

  clear() {
    this.#pending = []
  }
}

/**
 * The answer for the faults that replace the real response; drop and delay kinds have none.
 * @param {Fault} fault
 * @returns {Reply | undefined}
 */
export function faultReply(fault) {
  switch (fault.kind) {
    case 'rate-limit':
      return rateLimited(/** @type {number} */ (fault.retryAfter))
    case 'server-error':
      return errorReply(
        /** @type {number} */ (fault.status),
        'internal',
        'internal_error',
        'Internal server error'
      )
    case 'html-502': {
      const page = `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
      return rawReply(502, 'text/html', page, { server: 'nginx' })
    }
    case 'malformed-json':
      return rawReply(200, 'application/json; charset=utf-8', '{"object":"integration","id":"gNl6h')
    default:
      return undefined
  }
}

/**
 * @param {Fault} fault
 * @param {string} method
 * @param {string} path
 */
function matches(fault, method, path) {
  const { method: wantMethod, path: wantPath } = fault.match
  if (wantMethod !== null && wantMethod !== method.toUpperCase()) return false
  if (wantPath === null) return true
  return wantPath.endsWith('*') ? path.startsWith(wantPath.slice(0, -1)) : path === wantPath
}

/**
 * @param {FaultSpec} spec
 * @param {number} id
 * @returns {Fault}
 */
function normalize(spec, id) {
  /** @param {string} message */
  const fail = (message) => {
    throw new TypeError(`invalid fault: ${message}`)
  }
  if (typeof spec !== 'object' || spec === null) return fail('expected an object')
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.includes(key)) fail(`unknown option "${key}" (known: ${SPEC_KEYS.join(', ')})`)
  }
  const { match = {}, kind, count = 1, retryAfter = 1, status = 500, delayMs = 1000 } = spec
  if (!FAULT_KINDS.includes(kind)) fail(`kind must be one of ${FAULT_KINDS.join(', ')}`)
  for (const [key, user] of Object.entries(USED_BY)) {
    if (key in spec && kind !== user) fail(`${key} is not used by ${kind}`)
  }
  if (typeof match !== 'object' || match === null) fail('match must be an object')
  for (const key of Object.keys(match)) {
    if (key !== 'method' && key !== 'path') fail(`unknown match option "${key}" (known: method, path)`)
  }
  if (match.method !== undefined && (typeof match.method !== 'string' || match.method === ''))
    fail('match.method must be a non-empty string')
  if (match.path !== undefined && (typeof match.path !== 'string' || !match.path.startsWith('/')))
    fail('match.path must be a string starting with "/"')
  if (!Number.isInteger(count) || count < 1) fail('count must be an integer >= 1')
  if (!Number.isInteger(retryAfter) || retryAfter < 0)
    fail('retryAfter must be a whole number of seconds >= 0')
  if (!Number.isInteger(status) || status < 500 || status > 599)
    fail('status for server-error must be an integer between 500 and 599')
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600000)
    fail('delayMs must be an integer between 0 and 600000')

  return {
    id,
    match: { method: match.method?.toUpperCase() ?? null, path: match.path ?? null },
    kind,
    count,
    ...(kind === 'rate-limit' ? { retryAfter } : {}),
    ...(kind === 'server-error' ? { status } : {}),
    ...(kind === 'delay' ? { delayMs } : {})
  }
}
