// Field rules for request bodies and seeds; every violated field is reported, not just the first.
// @ts-check
import { CATALOG, STORES, findProvider } from './catalog.js'
import { ENVS } from './store.js'

/** @typedef {import('./errors.js').FieldError} FieldError */
/** @typedef {import('./catalog.js').Provider} Provider */
/** @typedef {import('./catalog.js').Platform} Platform */
/** @typedef {import('./store.js').NewRecord} NewRecord */
/** @typedef {import('./store.js').DeliveryFields} DeliveryFields */
/** @typedef {{ title: string, provider: Provider, target_platform: Platform }} CreateInput */
/**
 * @template T
 * @typedef {{ ok: true, value: T } | { ok: false, details: FieldError[] }} Checked
 */

const CREATE_FIELDS = ['title', 'integration', 'target_platform']
const ID_PATTERN = /^[a-zA-Z0-9._-]{1,256}$/

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** @param {string} id */
export function isValidId(id) {
  return ID_PATTERN.test(id)
}

/**
 * @param {Record<string, unknown>} body
 * @returns {Checked<CreateInput>}
 */
export function checkCreate(body) {
  /** @type {FieldError[]} */
  const details = []
  const { title, integration, target_platform: store } = body

  const titleError = checkTitle(title)
  if (titleError) details.push({ field: 'title', message: titleError })

  /** @type {Provider | undefined} */
  let provider
  if (integration === undefined) details.push({ field: 'integration', message: 'is required' })
  else if (typeof integration !== 'string')
    details.push({ field: 'integration', message: 'must be a string' })
  else {
    provider = findProvider(integration)
    if (!provider) details.push({ field: 'integration', message: unknownSlug(integration) })
  }

  const storeError = checkStore(store)
  if (storeError) details.push({ field: 'target_platform', message: storeError })
  else if (provider && !provider.allowedStores.includes(/** @type {Platform} */ (store))) {
    details.push({
      field: 'target_platform',
      message: `${provider.title} does not support ${String(store)} (allowed: ${provider.allowedStores.join(', ')})`
    })
  }

  for (const field of Object.keys(body)) {
    if (!CREATE_FIELDS.includes(field)) details.push({ field, message: 'unknown field' })
  }

  if (details.length > 0 || !provider) return { ok: false, details }
  return {
    ok: true,
    value: {
      title: /** @type {string} */ (title),
      provider,
      target_platform: /** @type {Platform} */ (store)
    }
  }
}

/**
 * @param {Record<string, unknown>} body
 * @returns {Checked<0 | 1>}
 */
export function checkStatus(body) {
  /** @type {FieldError[]} */
  const details = []
  const { status } = body
  if (status === undefined) details.push({ field: 'status', message: 'is required' })
  else if (status !== 0 && status !== 1)
    details.push({ field: 'status', message: 'must be the integer 0 or 1' })
  for (const field of Object.keys(body)) {
    if (field !== 'status') details.push({ field, message: 'unknown field' })
  }
  if (details.length > 0) return { ok: false, details }
  return { ok: true, value: /** @type {0 | 1} */ (status) }
}

const DELIVERY_FIELDS = [
  'active',
  'last_delivery_at',
  'last_error_at',
  'last_error_message',
  'delivery_error_count'
]
const SEED_FIELDS = ['env', 'title', 'integration', 'target_platform', ...DELIVERY_FIELDS]

/**
 * Seeds may set what the API never lets a client set (error state, delivery history), but they must
 * still describe a record the API could have produced, or tests would assert against impossible data.
 * @param {unknown} input
 * @returns {Checked<NewRecord>}
 */
export function checkSeed(input) {
  if (!isObject(input)) return { ok: false, details: [{ field: 'body', message: 'must be an object' }] }
  /** @type {FieldError[]} */
  const details = []
  /** @param {string} field @param {string} message */
  const fail = (field, message) => details.push({ field, message })
  const s = input

  if (s.env !== undefined && !ENVS.includes(/** @type {never} */ (s.env)))
    fail('env', 'must be "sandbox" or "production"')
  const titleError = checkTitle(s.title)
  if (titleError) fail('title', titleError)
  const provider = typeof s.integration === 'string' ? findProvider(s.integration) : undefined
  if (!provider) fail('integration', 'must be a provider slug from the catalog')
  const storeError = checkStore(s.target_platform)
  if (storeError) fail('target_platform', storeError)
  checkDeliveryFields(s, fail)
  for (const field of Object.keys(s)) {
    if (!SEED_FIELDS.includes(field)) fail(field, 'unknown field')
  }

  if (details.length > 0 || !provider) return { ok: false, details }
  return {
    ok: true,
    value: /** @type {NewRecord} */ ({
      ...s,
      env: s.env ?? 'sandbox',
      slug: provider.slug,
      integration: provider.title
    })
  }
}

/**
 * The fields Qonversion's delivery worker writes, set directly by a test.
 * @param {unknown} input
 * @returns {Checked<{ id: string, fields: DeliveryFields }>}
 */
export function checkDelivery(input) {
  if (!isObject(input)) return { ok: false, details: [{ field: 'body', message: 'must be an object' }] }
  /** @type {FieldError[]} */
  const details = []
  /** @param {string} field @param {string} message */
  const fail = (field, message) => details.push({ field, message })
  if (typeof input.id !== 'string' || input.id === '') fail('id', 'must be the id of a record')
  checkDeliveryFields(input, fail)
  for (const field of Object.keys(input)) {
    if (field !== 'id' && !DELIVERY_FIELDS.includes(field)) fail(field, 'unknown field')
  }
  if (details.length > 0) return { ok: false, details }
  /** @type {Record<string, unknown>} */
  const fields = {}
  for (const field of DELIVERY_FIELDS) if (input[field] !== undefined) fields[field] = input[field]
  return {
    ok: true,
    value: { id: /** @type {string} */ (input.id), fields: /** @type {DeliveryFields} */ (fields) }
  }
}

/**
 * @param {Record<string, unknown>} s
 * @param {(field: string, message: string) => void} fail
 */
function checkDeliveryFields(s, fail) {
  if (s.active !== undefined && s.active !== 0 && s.active !== 1 && s.active !== 2)
    fail('active', 'must be 0, 1 or 2')
  for (const field of ['last_delivery_at', 'last_error_at']) {
    const value = s[field]
    if (
      value !== undefined &&
      value !== null &&
      (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    )
      fail(field, 'must be an ISO 8601 date or null')
  }
  if (
    s.last_error_message !== undefined &&
    s.last_error_message !== null &&
    typeof s.last_error_message !== 'string'
  )
    fail('last_error_message', 'must be a string or null')
  const count = s.delivery_error_count
  if (count !== undefined && !(Number.isInteger(count) && /** @type {number} */ (count) >= 0))
    fail('delivery_error_count', 'must be an integer >= 0')
}

/** @param {unknown} title */
function checkTitle(title) {
  if (title === undefined) return 'is required'
  if (typeof title !== 'string') return 'must be a string'
  const length = [...title].length
  if (length < 1 || length > 255) return `must be 1-255 characters long (got ${length})`
  return undefined
}

/** @param {unknown} store */
function checkStore(store) {
  if (store === undefined) return 'is required'
  if (typeof store !== 'string') return 'must be a string'
  if (!STORES.includes(/** @type {Platform} */ (store)))
    return 'must be exactly one of iOS, Android, Stripe (case-sensitive)'
  return undefined
}

/**
 * @param {string} slug
 */
function unknownSlug(slug) {
  const near = CATALOG.flatMap((g) => g.integrations).find(
    (p) => p.slug === slug.toLowerCase() || p.title.toLowerCase() === slug.toLowerCase()
  )
  const hint = near ? `did you mean "${near.slug}"?` : 'GET /v4/integrations/meta lists the available slugs'
  return `unknown integration "${slug}"; ${hint}`
}
