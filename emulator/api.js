// The /v4 routes: auth, routing and the integration handlers, as a pure request-in, reply-out function.
// @ts-check
import {
  idempotencyKeyReused,
  integrationNotFound,
  invalidData,
  invalidRequest,
  methodNotAllowed,
  routeNotFound,
  unauthorized,
  unsupportedMediaType
} from './errors.js'
import { CATALOG } from './catalog.js'
import { jsonReply } from './reply.js'
import { canonicalJson, publicRecord } from './store.js'
import { checkCreate, checkStatus, isObject, isValidId } from './validation.js'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {import('./store.js').Env} Env */
/** @typedef {import('./store.js').Store} Store */
/** @typedef {import('./store.js').StoredRecord} StoredRecord */
/** @typedef {import('./delivery.js').DeliveryWorker} DeliveryWorker */
/**
 * @typedef {object} ApiRequest
 * @property {string} method
 * @property {string} path pathname, without the query
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} rawBody
 */
/**
 * @typedef {object} ApiContext
 * @property {Store} store
 * @property {DeliveryWorker} worker brings a record's delivery fields up to date before it is shown
 */

/** The accepted Bearer keys: `test_sk_…` is the sandbox, anything else production. */
export const KEYS = Object.freeze(['sk_emulator', 'test_sk_emulator'])

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/

/**
 * @param {ApiContext} ctx
 * @param {ApiRequest} req
 * @returns {Reply}
 */
export function handleApi(ctx, req) {
  const env = authenticate(req.headers.authorization)
  if (typeof env !== 'string') return env

  const parts = req.path.split('/').slice(1)
  if (parts[0] !== 'v4' || parts[1] !== 'integrations') return routeNotFound(req.method, req.path)
  const [, , id, action] = parts

  if (parts.length === 2) {
    if (req.method === 'GET') return list(ctx, env)
    if (req.method === 'POST') return create(ctx, env, req)
    return methodNotAllowed(req.method, req.path, ['GET', 'POST'])
  }
  if (parts.length === 3 && id === 'meta') {
    if (req.method === 'GET') return jsonReply(200, { object: 'list', data: CATALOG })
    return methodNotAllowed(req.method, req.path, ['GET'])
  }
  if (parts.length === 3 && id !== '') {
    if (req.method === 'DELETE') return remove(ctx, env, id)
    return methodNotAllowed(req.method, req.path, ['DELETE'])
  }
  if (parts.length === 4 && id !== '' && action === 'status') {
    if (req.method === 'POST') return setStatus(ctx, env, id, req)
    return methodNotAllowed(req.method, req.path, ['POST'])
  }
  return routeNotFound(req.method, req.path)
}

/**
 * @param {string | undefined} header
 * @returns {Env | Reply}
 */
function authenticate(header) {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '')
  if (!match) return unauthorized('Missing or malformed Authorization header: expected "Bearer <secret key>"')
  const key = match[1]
  if (!KEYS.includes(key)) return unauthorized('Invalid secret key')
  return key.startsWith('test_sk_') ? 'sandbox' : 'production'
}

/**
 * @param {ApiContext} ctx
 * @param {Env} env
 */
function list(ctx, env) {
  const data = ctx.store.listLive(env).map((record) => publicRecord(current(ctx, record)))
  return jsonReply(200, { object: 'list', data, has_more: false })
}

/**
 * @param {ApiContext} ctx
 * @param {Env} env
 * @param {ApiRequest} req
 * @returns {Reply}
 */
function create(ctx, env, req) {
  const body = readJson(req)
  if ('status' in body) return body

  const keyHeader = req.headers['idempotency-key']
  const key = Array.isArray(keyHeader) ? keyHeader.join(', ') : keyHeader
  let fingerprint = ''
  if (key !== undefined) {
    if (!IDEMPOTENCY_KEY.test(key))
      return invalidRequest('Idempotency-Key must be 1-255 printable ASCII characters')
    fingerprint = canonicalJson(body.value)
    const earlier = ctx.store.recall(env, key)
    if (earlier) return earlier.fingerprint === fingerprint ? earlier.reply : idempotencyKeyReused(key)
  }

  if (!isObject(body.value)) return invalidRequest('Request body must be a JSON object')
  const checked = checkCreate(body.value)
  if (!checked.ok) return invalidData(checked.details)

  const { title, provider, target_platform } = checked.value
  const record = ctx.store.insert({
    env,
    title,
    slug: provider.slug,
    integration: provider.title,
    target_platform
  })
  const reply = jsonReply(201, publicRecord(record))
  // Only successes are remembered: a client that fixes a rejected body may retry under the same key.
  if (key !== undefined) ctx.store.remember(env, key, fingerprint, reply)
  return reply
}

/**
 * @param {ApiContext} ctx
 * @param {Env} env
 * @param {string} id
 * @param {ApiRequest} req
 * @returns {Reply}
 */
function setStatus(ctx, env, id, req) {
  const record = isValidId(id) ? ctx.store.findLive(env, id) : undefined
  if (!record) return integrationNotFound(id)
  current(ctx, record)
  const body = readJson(req)
  if ('status' in body) return body
  if (!isObject(body.value)) return invalidRequest('Request body must be a JSON object')
  const checked = checkStatus(body.value)
  if (!checked.ok) return invalidData(checked.details)
  ctx.store.setStatus(record, checked.value)
  return jsonReply(200, publicRecord(current(ctx, record)))
}

/**
 * @param {ApiContext} ctx
 * @param {Env} env
 * @param {string} id
 * @returns {Reply}
 */
function remove(ctx, env, id) {
  const record = isValidId(id) ? ctx.store.findLive(env, id) : undefined
  if (!record) return integrationNotFound(id)
  current(ctx, record)
  ctx.store.softDelete(record)
  return jsonReply(200, { ...publicRecord(record), deleted: true })
}

/**
 * @param {ApiContext} ctx
 * @param {StoredRecord} record
 */
function current(ctx, record) {
  ctx.worker.catchUp(record)
  return record
}

/**
 * @param {ApiRequest} req
 * @returns {{ value: unknown } | Reply}
 */
function readJson(req) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (type !== 'application/json') return unsupportedMediaType()
  try {
    return { value: JSON.parse(req.rawBody) }
  } catch {
    return invalidRequest('Request body is not valid JSON')
  }
}
