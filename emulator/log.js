// The request log tests assert on: what reached the emulator, what it answered, and which fault hit it.
// @ts-check

/**
 * @typedef {object} LoggedRequest
 * @property {string} method
 * @property {string} path pathname, without the query
 * @property {Record<string, string | string[]>} headers names lower-cased
 * @property {unknown} body parsed JSON, else the raw text, else null when empty
 * @property {number | null} status null when the connection was dropped instead of answered
 * @property {string | null} fault the fault kind applied, `rate-limit` also when the rate limit refused it
 * @property {string} at ISO time of arrival
 * @property {string | null} answeredAt ISO time the answer was sent (null when dropped)
 * @property {number | null} retryAfter the Retry-After seconds sent with the answer, if any
 */

export class RequestLog {
  /** @type {LoggedRequest[]} */
  #entries = []

  /**
   * Returns the live entry so the HTTP layer can fill in the outcome once it is known.
   * @param {{ method: string, path: string, headers: import('node:http').IncomingHttpHeaders, rawBody: string, at: string }} req
   * @returns {LoggedRequest}
   */
  add(req) {
    /** @type {Record<string, string | string[]>} */
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = value
    }
    /** @type {LoggedRequest} */
    const entry = {
      method: req.method,
      path: req.path,
      headers,
      body: parseBody(req.rawBody),
      status: null,
      fault: null,
      at: req.at,
      answeredAt: null,
      retryAfter: null
    }
    this.#entries.push(entry)
    return entry
  }

  /** @returns {LoggedRequest[]} */
  entries() {
    // Entries hold only JSON-born data, so a JSON round trip is a full deep copy.
    return JSON.parse(JSON.stringify(this.#entries))
  }

  clear() {
    this.#entries = []
  }
}

/** @param {string} raw */
function parseBody(raw) {
  if (raw === '') return null
  try {
    return /** @type {unknown} */ (JSON.parse(raw))
  } catch {
    return raw
  }
}
