// Carries decisions out through the API: at most `concurrency` writes in flight, every entry attempted even when
// another fails, and each result reported with the record it ended with.
import { cancellation } from '../net/cancel.js'
import { SNAPSHOT_CATALOG, catalogProblems } from '../domain/catalog.js'
import { ApiError, Cancelled, ConflictError, InputError, WrongRecordError } from '../domain/errors.js'
import { providerVerdict } from '../domain/match.js'
import {
  WRITES,
  type CreateDecision,
  type Decision,
  type RefusedDecision,
  type Wanted
} from '../domain/plan.js'
import type { IntegrationRecord } from '../domain/record.js'
import { neutralise } from '../domain/untrusted.js'
import type { ApiSession } from './session.js'

interface Outcome {
  /** What happened, in a few words for the log and the summary: `created (paused)`, `reused (active)` … */
  done: string
  /** True when this run created the record (a re-run that gets its first attempt's record back says true too). */
  created: boolean
  /** True when the decision's write went through (a create, an activation, a pause), whatever failed after it. */
  wrote: boolean
}

/** Carried out, or used as found: the record as it stands now. */
export interface DoneResult extends Outcome {
  outcome: 'done'
  decision: Decision
  record: IntegrationRecord
  error?: undefined
}

/** A read-only mode (plan, check): the write only planned; the record as found, if there is one. */
export interface PlannedResult extends Outcome {
  outcome: 'planned'
  decision: Decision
  record?: IntegrationRecord
  error?: undefined
}

/** A conflict or an invalid entry: failed without a request, and no record handed on (the candidates are not it). */
export interface NotSentResult extends Outcome {
  outcome: 'not sent'
  decision: RefusedDecision
  record?: undefined
  error: Error
}

/**
 * Failed (cancelled included): the record it ended with when there is one — created before an activation failed,
 * or as found when the write failed or never started.
 */
export interface FailedResult extends Outcome {
  outcome: 'failed'
  decision: Decision
  record?: IntegrationRecord
  error: Error
}

export type Result = DoneResult | PlannedResult | NotSentResult | FailedResult

const STATE_WORDS: Record<number, string> = { 0: 'paused', 1: 'active', 2: 'error' }

export function stateWord(active: number): string {
  return STATE_WORDS[active] ?? `unknown (${active})`
}

/** A create refused for the provider or store gets the catalog's reading of what is wrong appended. */
async function explainRefusal(error: ApiError, wanted: Wanted, session: ApiSession): Promise<ApiError> {
  const aboutProviderOrStore = error.details.some(
    (d) => d.field === 'integration' || d.field === 'target_platform'
  )
  if (!aboutProviderOrStore || error.status >= 500) return error
  const problems = catalogProblems(await session.catalog(), wanted.provider, wanted.store)
  if (problems.length === 0) return error
  return new ApiError(`${error.message}\n${problems.join('\n')}`, error, {
    attempts: error.attempts,
    cause: error
  })
}

/** A refused decision's result: nothing sent, the failure the plan showed. */
function notSent(decision: RefusedDecision): NotSentResult {
  const nothing = { outcome: 'not sent', decision, created: false, wrote: false } as const
  return decision.action === 'conflict'
    ? { ...nothing, done: 'conflict', error: new ConflictError(decision.reason) }
    : // Not sent: the live catalog says Qonversion would refuse it, so it is refused here as the plan showed.
      { ...nothing, done: 'not sent', error: new InputError([decision.reason]) }
}

/** A record used as it was found (reuse, or an unmanaged record left alone). */
function kept(decision: Decision, record: IntegrationRecord): DoneResult {
  const done = `${decision.action === 'reuse' ? 'reused' : 'unchanged'} (${stateWord(record.active)})`
  return { outcome: 'done', decision, record, created: false, wrote: false, done }
}

/** The result of a decision that sends nothing; undefined for a write, which only apply carries out. */
function settled(decision: Decision): Result | undefined {
  switch (decision.action) {
    case 'conflict':
    case 'invalid':
      return notSent(decision)
    case 'reuse':
    case 'nothing':
      return kept(decision, decision.record)
    default:
      return undefined
  }
}

/** What a status change did, as the answer's record says: `set active`, or `asked to set active, answered paused`. */
function statusOutcome(status: 0 | 1, answer: IntegrationRecord): string {
  const asked = status === 1 ? 'set active' : 'paused'
  return answer.active === status
    ? asked
    : `${status === 1 ? 'asked to set active' : 'asked to pause'}, answered ${stateWord(answer.active)}`
}

/** A record as a message names it: id, title, provider and store, its server text neutralised. */
const named = (r: IntegrationRecord): string =>
  `${r.id} “${neutralise(r.title)}” (${neutralise(r.integration, 200)}, ${r.target_platform})`

/**
 * Whether a create answer is the integration that was sent: the same title and store exactly, and a provider that
 * is not another one. The documented slugs tell the usual display titles (`Amplitude`); only an answer they do not
 * confirm costs a read of the live catalog, so the happy path stays one request.
 */
async function isAskedFor(answer: IntegrationRecord, wanted: Wanted, session: ApiSession): Promise<boolean> {
  if (answer.title !== wanted.title || answer.target_platform !== wanted.store) return false
  if (providerVerdict(answer.integration, wanted.provider, SNAPSHOT_CATALOG) === 'same') return true
  return providerVerdict(answer.integration, wanted.provider, await session.catalog()) !== 'other'
}

function createdAnother(answer: IntegrationRecord, wanted: Wanted, key: string): WrongRecordError {
  return new WrongRecordError(
    `The create was answered with another integration: asked for “${neutralise(wanted.title)}” (${wanted.provider}, ` +
      `${wanted.store}), answered ${named(answer)}. The idempotency key \`${key}\` was already used for that ` +
      'integration — a hand-set `idempotency-key` shared by two steps does this; give each step its own key, or ' +
      'leave the input empty for one made from the run and the request. The answer is not this entry’s record: it is ' +
      'neither output nor activated.'
  )
}

/** POST …/status, refusing an answer about another id: that record is never taken for the one asked about. */
async function setStatusOf(
  session: ApiSession,
  record: IntegrationRecord,
  status: 0 | 1
): Promise<IntegrationRecord> {
  const answer = await session.setStatus(record.id, status)
  if (answer.id === record.id) return answer
  throw new WrongRecordError(
    `${status === 1 ? 'Activating' : 'Pausing'} ${named(record)} was answered with another integration, ` +
      `${named(answer)}; the answer is not used. Check both in the Qonversion dashboard.`
  )
}

/** The write's result: a create, with its activation when the entry wants it active. */
async function createFor(
  decision: CreateDecision,
  session: ApiSession,
  keyFor: (wanted: Wanted) => string
): Promise<Result> {
  const { wanted } = decision
  const key = keyFor(wanted)
  let created: IntegrationRecord
  try {
    created = await session.create(
      { title: wanted.title, integration: wanted.provider, target_platform: wanted.store },
      key
    )
  } catch (error) {
    throw error instanceof ApiError ? await explainRefusal(error, wanted, session) : error
  }
  if (!(await isAskedFor(created, wanted, session))) {
    return {
      outcome: 'failed',
      decision,
      created: false,
      wrote: false,
      done: 'failed',
      error: createdAnother(created, wanted, key)
    }
  }
  if (wanted.active !== true || created.active === 1) {
    return {
      outcome: 'done',
      decision,
      record: created,
      created: true,
      wrote: true,
      done: `created (${stateWord(created.active)})`
    }
  }
  try {
    const active = await setStatusOf(session, created, 1)
    return {
      outcome: 'done',
      decision,
      record: active,
      created: true,
      wrote: true,
      done: `created and ${statusOutcome(1, active)}`
    }
  } catch (error) {
    // The record exists: report it with the failure, so outputs and the summary still name it.
    return {
      outcome: 'failed',
      decision,
      record: created,
      created: true,
      wrote: true,
      done: `created (${stateWord(created.active)}), activation ${error instanceof Cancelled ? 'cancelled' : 'failed'}`,
      error: error as Error
    }
  }
}

async function carryOut(
  decision: Decision,
  session: ApiSession,
  keyFor: (wanted: Wanted) => string
): Promise<Result> {
  switch (decision.action) {
    case 'create':
      return createFor(decision, session, keyFor)
    case 'activate':
    case 'pause': {
      const status = decision.action === 'activate' ? 1 : 0
      const updated = await setStatusOf(session, decision.record, status)
      return {
        outcome: 'done',
        decision,
        record: updated,
        created: false,
        wrote: true,
        done: statusOutcome(status, updated)
      }
    }
    case 'conflict':
    case 'invalid':
      return notSent(decision)
    case 'reuse':
    case 'nothing':
      return kept(decision, decision.record)
  }
}

/**
 * Carries every decision out. Writes run at most `concurrency` at a time (reads need no request); a failure is
 * kept with its entry and the others go on, so one bad entry never hides what happened to the rest.
 */
export async function apply(
  decisions: Decision[],
  session: ApiSession,
  options: { concurrency: number; keyFor: (wanted: Wanted) => string }
): Promise<Result[]> {
  const results = new Array<Result>(decisions.length)
  const { signal } = session.api.policy
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < decisions.length) {
      const index = next++
      const decision = decisions[index]
      const cancelled = cancellation(signal)
      if (cancelled && WRITES.includes(decision.action)) {
        // Cancelled: no write starts; the entry keeps the record it was found with.
        results[index] = {
          outcome: 'failed',
          decision,
          record: decision.record,
          created: false,
          wrote: false,
          done: 'not started (cancelled)',
          error: new Cancelled(`not started: ${cancelled.message}`, { cause: cancelled })
        }
        continue
      }
      try {
        results[index] = await carryOut(decision, session, options.keyFor)
      } catch (error) {
        results[index] = {
          outcome: 'failed',
          decision,
          record: decision.record,
          created: false,
          wrote: false,
          done: error instanceof Cancelled ? 'interrupted (cancelled)' : 'failed',
          error: error as Error
        }
      }
    }
  }
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, decisions.length)) }, worker)
  )
  return results
}

/** The results of a read-only mode (plan, check): the writes only planned, everything else as apply would have it. */
export function preview(decisions: Decision[]): Result[] {
  return decisions.map(
    (decision): Result =>
      settled(decision) ?? {
        outcome: 'planned',
        decision,
        record: decision.record,
        created: false,
        wrote: false,
        done: 'planned'
      }
  )
}
