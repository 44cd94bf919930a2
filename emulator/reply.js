// Responses as plain values, so a handler's answer can be stored for idempotent replay or thrown away on a drop.
// @ts-check

/** @typedef {{ status: number, headers: Record<string, string>, body: string }} Reply */

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * @param {number} status
 * @param {unknown} value
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export function jsonReply(status, value, headers = {}) {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) }
}

/**
 * @param {number} status
 * @param {string} contentType
 * @param {string} body
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
export function rawReply(status, contentType, body, headers = {}) {
  return { status, headers: { 'content-type': contentType, ...headers }, body }
}
