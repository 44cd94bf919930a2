// The Qonversion v4 error envelope, and the emulator's fixed codes and messages for each failure.
// @ts-check
import { jsonReply } from './reply.js'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {'request' | 'resource' | 'logical' | 'internal'} ErrorType */
/** @typedef {{ field: string, message: string }} FieldError */

/**
 * @param {number} status
 * @param {ErrorType} type
 * @param {string} code
 * @param {string} message
 * @param {{ details?: FieldError[], headers?: Record<string, string> }} [extra]
 * @returns {Reply}
 */
export function errorReply(status, type, code, message, extra = {}) {
  /** @type {{ type: ErrorType, code: string, message: string, details?: FieldError[] }} */
  const error = { type, code, message }
  // The docs show `details` only for field-level validation, so it is omitted everywhere else.
  if (extra.details) error.details = extra.details
  return jsonReply(status, { error }, extra.headers)
}

/** @param {string} message */
export const unauthorized = (message) =>
  errorReply(401, 'request', 'control_unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } })

/** @param {string} method @param {string} path */
export const routeNotFound = (method, path) =>
  errorReply(404, 'request', 'route_not_found', `No route for ${method} ${path}`)

/** @param {string} method @param {string} path @param {string[]} allowed */
export const methodNotAllowed = (method, path, allowed) =>
  errorReply(
    405,
    'request',
    'method_not_allowed',
    `Method ${method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`,
    { headers: { allow: allowed.join(', ') } }
  )

/** @param {string} id */
export const integrationNotFound = (id) =>
  errorReply(404, 'resource', 'resource_not_found', `Integration "${clip(id)}" not found`)

export const unsupportedMediaType = () =>
  errorReply(415, 'request', 'unsupported_media_type', 'Content-Type must be application/json')

/** @param {string} message */
export const invalidRequest = (message) => errorReply(400, 'request', 'invalid_request', message)

export const payloadTooLarge = () =>
  errorReply(413, 'request', 'payload_too_large', 'Request body is larger than 1 MiB')

/** @param {number} retryAfter seconds */
export const rateLimited = (retryAfter) =>
  errorReply(429, 'request', 'rate_limit_exceeded', 'Rate limit exceeded', {
    headers: { 'retry-after': String(retryAfter) }
  })

/** @param {FieldError[]} details */
export const invalidData = (details) =>
  errorReply(
    422,
    'request',
    'invalid_data',
    `Invalid request data: ${[...new Set(details.map((d) => d.field))].join(', ')}`,
    { details }
  )

/** @param {string} key */
export const idempotencyKeyReused = (key) =>
  errorReply(
    422,
    'request',
    'idempotency_key_reused',
    `Idempotency-Key "${clip(key)}" was already used with a different request body`
  )

/**
 * Keeps messages readable when a client sends a huge id or key.
 * @param {string} text
 */
function clip(text) {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text
}
