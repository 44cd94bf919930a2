// In-memory integration records and idempotency memory, kept apart per environment.
// @ts-check
import { randomBytes } from 'node:crypto'

/** @typedef {import('./reply.js').Reply} Reply */
/** @typedef {import('./catalog.js').Platform} Platform */
/** @typedef {'sandbox' | 'production'} Env */

/**
 * @typedef {object} StoredRecord
 * @property {string} id
 * @property {Env} env
 * @property {string} slug
 * @property {string} integration display title of the provider
 * @property {string} title
 * @property {Platform} target_platform
 * @property {0 | 1 | 2} active
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string | null} last_delivery_at
 * @property {string | null} last_error_at
 * @property {string | null} last_error_message
 * @property {number} delivery_error_count
 * @property {boolean} deleted
 * @property {number | null} activatedAt epoch ms of the last change to active = 1, for the delivery worker
 */

/** @typedef {Omit<StoredRecord, 'env' | 'slug' | 'deleted' | 'activatedAt'> & { object: 'integration', url: string }} PublicRecord */
/** @typedef {PublicRecord & { env: Env, slug: string, deleted: boolean }} AdminRecord */
/** @typedef {Partial<Pick<StoredRecord, 'active' | 'last_delivery_at' | 'last_error_at' | 'last_error_message' | 'delivery_error_count'>>} DeliveryFields */
/** @typedef {DeliveryFields & Pick<StoredRecord, 'env' | 'slug' | 'integration' | 'title' | 'target_platform'>} NewRecord */

export const ENVS = /** @type {const} */ (['sandbox', 'production'])
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export class Store {
  /** @type {StoredRecord[]} */
  #records = []
  /** Ids stay taken across reset() too, so an id seen by a client is never handed out again. */
  #usedIds = new Set()
  /** @type {Map<string, { fingerprint: string, reply: Reply }>} */
  #remembered = new Map()
  #lastMs = 0

  /** Strictly increasing, so `updated_at` visibly moves even within one millisecond. */
  now() {
    this.#lastMs = Math.max(Date.now(), this.#lastMs + 1)
    return new Date(this.#lastMs).toISOString()
  }

  /**
   * @param {NewRecord} fields
   * @returns {StoredRecord}
   */
  insert(fields) {
    const id = this.#newId()
    this.#usedIds.add(id)
    const createdAt = this.now()
    /** @type {StoredRecord} */
    const record = {
      id,
      env: fields.env,
      slug: fields.slug,
      integration: fields.integration,
      title: fields.title,
      target_platform: fields.target_platform,
      active: fields.active ?? 0,
      created_at: createdAt,
      updated_at: createdAt,
      last_delivery_at: fields.last_delivery_at ?? null,
      last_error_at: fields.last_error_at ?? null,
      last_error_message: fields.last_error_message ?? null,
      delivery_error_count: fields.delivery_error_count ?? 0,
      deleted: false,
      activatedAt: fields.active === 1 ? Date.parse(createdAt) : null
    }
    this.#records.push(record)
    return record
  }

  /**
   * @param {Env} env
   * @param {string} id
   */
  findLive(env, id) {
    return this.#records.find((r) => r.id === id && r.env === env && !r.deleted)
  }

  /** @param {Env} env */
  listLive(env) {
    return this.#records.filter((r) => r.env === env && !r.deleted)
  }

  /** @param {Env} [env] */
  all(env) {
    return this.#records.filter((r) => env === undefined || r.env === env)
  }

  /**
   * Ids are unique across environments, so the control endpoints need no environment.
   * @param {string} id
   */
  findLiveById(id) {
    return this.#records.find((r) => r.id === id && !r.deleted)
  }

  /**
   * @param {StoredRecord} record
   * @param {0 | 1} status
   */
  setStatus(record, status) {
    this.#setActive(record, status)
  }

  /**
   * What Qonversion's delivery worker writes; `updated_at` moves only when `active` does.
   * @param {StoredRecord} record
   * @param {DeliveryFields} fields
   */
  setDelivery(record, fields) {
    const { active, ...delivery } = fields
    Object.assign(record, delivery)
    if (active !== undefined && active !== record.active) this.#setActive(record, active)
  }

  /**
   * @param {StoredRecord} record
   * @param {0 | 1 | 2} active
   */
  #setActive(record, active) {
    const at = this.now()
    if (active === 1 && record.active !== 1) record.activatedAt = Date.parse(at)
    record.active = active
    record.updated_at = at
  }

  /** @param {StoredRecord} record */
  softDelete(record) {
    record.deleted = true
    record.updated_at = this.now()
  }

  /**
   * @param {Env} env
   * @param {string} key
   */
  recall(env, key) {
    return this.#remembered.get(`${env}\n${key}`)
  }

  /**
   * @param {Env} env
   * @param {string} key
   * @param {string} fingerprint
   * @param {Reply} reply
   */
  remember(env, key, fingerprint, reply) {
    this.#remembered.set(`${env}\n${key}`, { fingerprint, reply })
  }

  reset() {
    this.#records = []
    this.#remembered.clear()
  }

  #newId() {
    for (;;) {
      const id = [...randomBytes(8)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')
      if (!this.#usedIds.has(id)) return id
    }
  }
}

/**
 * The record exactly as the API shows it: documented fields only, in the documented order.
 * @param {StoredRecord} r
 * @returns {PublicRecord}
 */
export function publicRecord(r) {
  return {
    object: 'integration',
    id: r.id,
    url: `/v4/integrations/${r.id}`,
    title: r.title,
    integration: r.integration,
    target_platform: r.target_platform,
    active: r.active,
    created_at: r.created_at,
    updated_at: r.updated_at,
    last_delivery_at: r.last_delivery_at,
    last_error_at: r.last_error_at,
    last_error_message: r.last_error_message,
    delivery_error_count: r.delivery_error_count
  }
}

/**
 * What tests see: the public record plus the bookkeeping the API hides.
 * @param {StoredRecord} r
 * @returns {AdminRecord}
 */
export function adminRecord(r) {
  return { ...publicRecord(r), env: r.env, slug: r.slug, deleted: r.deleted }
}

/**
 * Key order must not matter when deciding whether a retried body is "the same".
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}
