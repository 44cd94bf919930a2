// Queued fault injection: which requests misbehave, and the broken answers they get.
// @ts-check
import { STATUS_CODES } from 'node:http'
import { errorReply } from './errors.js'
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
 * @property {number | null} [retryAfter] rate-limit: seconds (default 1); null sends no Retry-After at all
 * @property {boolean} [retryAfterDate] rate-limit: send Retry-After as an HTTP date
 * @property {number} [status] server-error (default 500), html-502 (default 502), malformed-json (default 200)
 * @property {number} [delayMs] delay: milliseconds (default 1000)
 */
/**
 * @typedef {object} Fault
 * @property {number} id
 * @property {{ method: string | null, path: string | null }} match
 * @property {FaultKind} kind
 * @property {number} count remaining matching requests
 * @property {number | null} retryAfter
 * @property {boolean} retryAfterDate
 * @property {number | null} status
 * @property {number} delayMs
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
const SPEC_KEYS = ['match', 'kind', 'count', 'retryAfter', 'retryAfterDate', 'status', 'delayMs']
/** @type {Partial<Record<FaultKind, [number, number, number]>>} default, min, max */
const STATUS_RULES = {
  'server-error': [500, 500, 599],
  'html-502': [502, 400, 599],
  'malformed-json': [200, 200, 599]
}

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

  /** @returns {Fault[]} */
  pending() {
    return this.#pending.map((f) => ({ ...f, match: { ...f.match } }))
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
  const status = fault.status ?? 0
  switch (fault.kind) {
    case 'rate-limit': {
      /** @type {Record<string, string>} */
      const headers = {}
      if (fault.retryAfter !== null) {
        headers['retry-after'] = fault.retryAfterDate
          ? new Date(Date.now() + fault.retryAfter * 1000).toUTCString()
          : String(fault.retryAfter)
      }
      return errorReply(429, 'request', 'rate_limit_exceeded', 'Rate limit exceeded', { headers })
    }
    case 'server-error':
      return errorReply(status, 'internal', 'internal_error', 'Internal server error')
    case 'html-502': {
      const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`
      const page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
      return rawReply(status, 'text/html', page, { server: 'nginx' })
    }
    case 'malformed-json':
      return rawReply(status, 'application/json; charset=utf-8', '{"object":"integration","id":"gNl6h')
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
  const { match = {}, kind, count = 1, retryAfter = 1, retryAfterDate = false, delayMs = 1000 } = spec
  if (!FAULT_KINDS.includes(kind)) fail(`kind must be one of ${FAULT_KINDS.join(', ')}`)
  if (typeof match !== 'object' || match === null) fail('match must be an object')
  for (const key of Object.keys(match)) {
    if (key !== 'method' && key !== 'path') fail(`unknown match option "${key}" (known: method, path)`)
  }
  if (match.method !== undefined && (typeof match.method !== 'string' || match.method === ''))
    fail('match.method must be a non-empty string')
  if (match.path !== undefined && (typeof match.path !== 'string' || !match.path.startsWith('/')))
    fail('match.path must be a string starting with "/"')
  if (!Number.isInteger(count) || count < 1) fail('count must be an integer >= 1')
  if (retryAfter !== null && (typeof retryAfter !== 'number' || !(retryAfter >= 0)))
    fail('retryAfter must be a number of seconds >= 0, or null')
  if (typeof retryAfterDate !== 'boolean') fail('retryAfterDate must be a boolean')
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600000)
    fail('delayMs must be an integer between 0 and 600000')

  const rule = STATUS_RULES[kind]
  let status = null
  if (rule) {
    status = spec.status ?? rule[0]
    if (!Number.isInteger(status) || status < rule[1] || status > rule[2])
      fail(`status for ${kind} must be an integer between ${rule[1]} and ${rule[2]}`)
  } else if (spec.status !== undefined) {
    fail(`status is not used by ${kind}`)
  }

  return {
    id,
    match: { method: match.method?.toUpperCase() ?? null, path: match.path ?? null },
    kind,
    count,
    retryAfter,
    retryAfterDate,
    status,
    delayMs
  }
}
