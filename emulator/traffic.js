// Server-wide traffic settings: latency on every API request, and a rate limit that answers bursts with 429.
// @ts-check

/**
 * @typedef {object} Settings
 * @property {number} latencyMs added to every API request before it is answered (0: none)
 * @property {number | null} rateLimit API requests accepted per second, over any sliding second (null: no limit)
 * @property {number} retryAfter seconds sent in Retry-After when the rate limit refuses a request
 */

/** @type {Readonly<Settings>} */
export const DEFAULT_SETTINGS = Object.freeze({ latencyMs: 0, rateLimit: null, retryAfter: 1 })
const KEYS = /** @type {(keyof Settings)[]} */ (Object.keys(DEFAULT_SETTINGS))
const WINDOW_MS = 1000

/**
 * `base` with the given settings changed; throws a TypeError naming the bad one.
 * @param {unknown} input
 * @param {Settings} base
 * @returns {Settings}
 */
export function checkSettings(input, base) {
  /** @param {string} message */
  const fail = (message) => {
    throw new TypeError(`invalid settings: ${message}`)
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('expected an object')
  /** @type {Record<string, unknown>} */
  const given = { ...input }
  for (const key of Object.keys(given)) {
    if (!KEYS.includes(/** @type {keyof Settings} */ (key)))
      fail(`unknown setting "${key}" (known: ${KEYS.join(', ')})`)
    if (given[key] === undefined) delete given[key]
  }
  const settings = /** @type {Settings} */ ({ ...base, ...given })
  const { latencyMs, rateLimit, retryAfter } = settings
  if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 60000)
    fail('latencyMs must be an integer between 0 and 60000')
  if (rateLimit !== null && (!Number.isInteger(rateLimit) || rateLimit < 1))
    fail('rateLimit must be an integer >= 1 (requests per second), or null for none')
  if (!Number.isInteger(retryAfter) || retryAfter < 0 || retryAfter > 3600)
    fail('retryAfter must be a whole number of seconds between 0 and 3600')
  return settings
}

/** Counts the requests it let through in the last second; refused ones do not count. */
export class RateLimiter {
  /** @type {number[]} epoch ms of each accepted request still inside the window, oldest first */
  #accepted = []

  /**
   * @param {number | null} perSecond
   * @param {number} [now] epoch ms
   * @returns {boolean} false when the request is over the limit
   */
  admit(perSecond, now = Date.now()) {
    while (this.#accepted.length > 0 && this.#accepted[0] <= now - WINDOW_MS) this.#accepted.shift()
    if (perSecond === null) return true
    if (this.#accepted.length >= perSecond) return false
    this.#accepted.push(now)
    return true
  }

  clear() {
    this.#accepted = []
  }
}
