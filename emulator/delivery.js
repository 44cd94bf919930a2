// Qonversion's delivery worker, played by scenarios that change an active record's health as time passes.
// @ts-check

/** @typedef {import('./store.js').StoredRecord} StoredRecord */
/** @typedef {'deliver' | 'fail'} ScenarioKind */
/** @typedef {{ id?: string, title?: string, integration?: string, target_platform?: string }} ScenarioMatch */
/**
 * @typedef {object} ScenarioSpec
 * @property {ScenarioKind} kind
 * @property {ScenarioMatch} [match] every given field must equal the record's (`integration` is the slug)
 * @property {number} [afterMs] from activation to the delivery, or to the first error (default 0)
 * @property {number} [everyMs] fail: between two errors (default 1000)
 * @property {number | null} [suspendAfterErrors] fail: suspend (active = 2) at this error; null: never (default)
 * @property {string} [message] fail: the error message (default DEFAULT_MESSAGE)
 */
/**
 * @typedef {object} Scenario
 * @property {number} id
 * @property {ScenarioKind} kind
 * @property {{ id: string | null, title: string | null, integration: string | null, target_platform: string | null }} match
 * @property {number} afterMs
 * @property {number | null} everyMs
 * @property {number | null} suspendAfterErrors
 * @property {string | null} message
 * @property {string} addedAt ISO time; a record activated earlier counts from here
 */

export const SCENARIO_KINDS = /** @type {const} */ (['deliver', 'fail'])
const DEFAULT_MESSAGE = 'Delivery failed: the provider rejected the credentials'
const SPEC_KEYS = ['kind', 'match', 'afterMs', 'everyMs', 'suspendAfterErrors', 'message']
const MATCH_KEYS = ['id', 'title', 'integration', 'target_platform']
const FAIL_ONLY = ['everyMs', 'suspendAfterErrors', 'message']
const MAX_MS = 24 * 60 * 60 * 1000

/** Worked out lazily whenever a record is read, so no timers run and repeated reads see the change. */
export class DeliveryWorker {
  /** @type {Scenario[]} */
  #scenarios = []
  #nextId = 1
  /**
   * How far each record has been played: by which scenario, for which activation, how many events.
   * @type {WeakMap<StoredRecord, { scenario: number, activatedAt: number, applied: number }>}
   */
  #progress = new WeakMap()

  /**
   * Throws a TypeError naming the bad option, as fault injection does.
   * @param {ScenarioSpec} spec
   * @returns {Scenario}
   */
  add(spec) {
    const scenario = normalize(spec, this.#nextId, new Date().toISOString())
    this.#nextId += 1
    this.#scenarios.push(scenario)
    return { ...scenario, match: { ...scenario.match } }
  }

  clear() {
    this.#scenarios = []
    this.#progress = new WeakMap()
  }

  /**
   * Writes into the record every delivery event due by `now` under the newest scenario that matches it.
   * Only an active record (active = 1) is worked on; pausing or suspending stops it, re-activating restarts it.
   * @param {StoredRecord} record
   * @param {number} [now] epoch ms
   */
  catchUp(record, now = Date.now()) {
    if (record.deleted || record.active !== 1 || record.activatedAt === null) return
    const scenario = this.#scenarios.findLast((s) => matches(s, record))
    if (!scenario) return
    let progress = this.#progress.get(record)
    if (!progress || progress.scenario !== scenario.id || progress.activatedAt !== record.activatedAt) {
      progress = { scenario: scenario.id, activatedAt: record.activatedAt, applied: 0 }
      this.#progress.set(record, progress)
    }
    // The store's clock is strictly increasing, so an activation can be stamped a millisecond or two ahead of
    // Date.now(); a read straight after it still comes after it.
    now = Math.max(now, record.activatedAt)
    const first = Math.max(record.activatedAt, Date.parse(scenario.addedAt)) + scenario.afterMs
    if (now < first) return

    if (scenario.kind === 'deliver') {
      if (progress.applied > 0) return
      progress.applied = 1
      record.last_delivery_at = new Date(first).toISOString()
      record.delivery_error_count = 0
      return
    }

    const every = /** @type {number} */ (scenario.everyMs)
    const limit = scenario.suspendAfterErrors ?? Infinity
    const due = Math.min(Math.floor((now - first) / every) + 1, limit)
    if (due <= progress.applied) return
    const lastAt = new Date(first + (due - 1) * every).toISOString()
    record.delivery_error_count += due - progress.applied
    record.last_error_at = lastAt
    record.last_error_message = scenario.message
    progress.applied = due
    if (due === limit) {
      record.active = 2
      record.updated_at = lastAt
      record.last_error_message = `Suspended after ${due} failed deliveries: ${scenario.message}`
    }
  }
}

/**
 * @param {Scenario} scenario
 * @param {StoredRecord} record
 */
function matches(scenario, record) {
  const { id, title, integration, target_platform } = scenario.match
  return (
    (id === null || id === record.id) &&
    (title === null || title === record.title) &&
    (integration === null || integration === record.slug) &&
    (target_platform === null || target_platform === record.target_platform)
  )
}

/**
 * @param {ScenarioSpec} spec
 * @param {number} id
 * @param {string} addedAt
 * @returns {Scenario}
 */
function normalize(spec, id, addedAt) {
  /** @param {string} message */
  const fail = (message) => {
    throw new TypeError(`invalid scenario: ${message}`)
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return fail('expected an object')
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.includes(key)) fail(`unknown option "${key}" (known: ${SPEC_KEYS.join(', ')})`)
  }
  const { kind, match = {}, afterMs = 0 } = spec
  if (!SCENARIO_KINDS.includes(kind)) fail(`kind must be one of ${SCENARIO_KINDS.join(', ')}`)
  if (typeof match !== 'object' || match === null || Array.isArray(match)) fail('match must be an object')
  for (const [key, value] of Object.entries(match)) {
    if (!MATCH_KEYS.includes(key)) fail(`unknown match option "${key}" (known: ${MATCH_KEYS.join(', ')})`)
    if (typeof value !== 'string' || value === '') fail(`match.${key} must be a non-empty string`)
  }
  if (!Number.isInteger(afterMs) || afterMs < 0 || afterMs > MAX_MS)
    fail(`afterMs must be an integer between 0 and ${MAX_MS}`)
  if (kind === 'deliver') {
    for (const key of FAIL_ONLY) if (key in spec) fail(`${key} is not used by deliver`)
  }
  const everyMs = kind === 'fail' ? (spec.everyMs ?? 1000) : null
  const suspendAfterErrors = kind === 'fail' ? (spec.suspendAfterErrors ?? null) : null
  const message = kind === 'fail' ? (spec.message ?? DEFAULT_MESSAGE) : null
  if (everyMs !== null && (!Number.isInteger(everyMs) || everyMs < 1 || everyMs > MAX_MS))
    fail(`everyMs must be an integer between 1 and ${MAX_MS}`)
  if (suspendAfterErrors !== null && (!Number.isInteger(suspendAfterErrors) || suspendAfterErrors < 1))
    fail('suspendAfterErrors must be an integer >= 1, or null for never')
  if (kind === 'fail' && (typeof message !== 'string' || message === ''))
    fail('message must be a non-empty string')

  return {
    id,
    kind,
    match: {
      id: match.id ?? null,
      title: match.title ?? null,
      integration: match.integration ?? null,
      target_platform: match.target_platform ?? null
    },
    afterMs,
    everyMs,
    suspendAfterErrors,
    message,
    addedAt
  }
}
