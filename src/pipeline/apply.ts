// Carries decisions out through the API: at most `concurrency` writes in flight, every entry attempted even when
// another fails, and each result reported with the record it ended with.
import { cancellation } from '../net/cancel.js'
import { SNAPSHOT_CATALOG, catalogProblems } from '../domain/catalog.js'
import { ApiError, Cancelled, ConflictError, InputError, WrongRecordError } from '../domain/errors.js'
import { providerVerdict } from '../domain/match.js'
import type { Decision, Wanted } from '../domain/plan.js'
import type { IntegrationRecord } from '../domain/record.js'
import { neutralise } from '../domain/untrusted.js'
import type { ApiSession } from './session.js'

export interface Result {
  decision: Decision
  /** The record as it stands after the decision was carried out (or as found, for reuse and nothing). */
  record?: IntegrationRecord
  /** True when this run created the record (a re-run that gets its first attempt's record back says true too). */
  created: boolean
  /** What happened, in a few words for the log and the summary: `created (paused)`, `reused (active)` … */
  done: string
  /** True when the decision's write went through (a create, an activation, a pause), whatever failed after it. */
  wrote?: boolean
  error?: Error
}

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
  return new ApiError(
    error.status,
    error.code,
    error.apiMessage,
    error.details,
    `${error.message}\n${problems.join('\n')}`
  )
}

/** A decision that sends nothing: a conflict (failed, with no record handed on), or a record used as found. */
function settled(decision: Decision): Omit<Result, 'decision'> | undefined {
  const { record } = decision
  switch (decision.action) {
    case 'conflict':
      // No record: a conflict's candidates are someone else's, never handed on as this entry's integration.
      return { created: false, done: 'conflict', error: new ConflictError(decision.reason ?? 'conflict') }
    case 'invalid':
      // Not sent: the live catalog says Qonversion would refuse it, so it is refused here as the plan showed.
      return { created: false, done: 'not sent', error: new InputError([decision.reason ?? 'invalid']) }
    case 'reuse':
    case 'nothing':
      return {
        record,
        created: false,
        done: `${decision.action === 'reuse' ? 'reused' : 'unchanged'} (${stateWord(record!.active)})`
      }
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

async function carryOut(
  decision: Decision,
  session: ApiSession,
  keyFor: (wanted: Wanted) => string
): Promise<Omit<Result, 'decision'>> {
  const ready = settled(decision)
  if (ready) return ready
  const { wanted, record } = decision
  if (decision.action !== 'create') {
    const status = decision.action === 'activate' ? 1 : 0
    const updated = await setStatusOf(session, record!, status)
    return { record: updated, created: false, wrote: true, done: statusOutcome(status, updated) }
  }
  let created: IntegrationRecord
  const key = keyFor(wanted!)
  try {
    created = await session.create(
      { title: wanted!.title, integration: wanted!.provider, target_platform: wanted!.store },
      key
    )
  } catch (error) {
    throw error instanceof ApiError ? await explainRefusal(error, wanted!, session) : error
  }
  if (!(await isAskedFor(created, wanted!, session))) {
    return { created: false, done: 'failed', error: createdAnother(created, wanted!, key) }
  }
  if (wanted!.active !== true || created.active === 1) {
    return { record: created, created: true, wrote: true, done: `created (${stateWord(created.active)})` }
  }
  try {
    const active = await setStatusOf(session, created, 1)
    return { record: active, created: true, wrote: true, done: `created and ${statusOutcome(1, active)}` }
  } catch (error) {
    // The record exists: report it with the failure, so outputs and the summary still name it.
    return {
      record: created,
      created: true,
      wrote: true,
      done: `created (${stateWord(created.active)}), activation ${error instanceof Cancelled ? 'cancelled' : 'failed'}`,
      error: error as Error
    }
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
      if (signal?.aborted && !settled(decision)) {
        // Cancelled: no write starts; the entry keeps the record it was found with.
        results[index] = {
          decision,
          record: decision.record,
          created: false,
          done: 'not started (cancelled)',
          error: new Cancelled(`not started: ${cancellation(signal)!.message}`)
        }
        continue
      }
      try {
        results[index] = { decision, ...(await carryOut(decision, session, options.keyFor)) }
      } catch (error) {
        results[index] = {
          decision,
          record: decision.record,
          created: false,
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
  return decisions.map((decision) => ({
    decision,
    ...(settled(decision) ?? { record: decision.record, created: false, done: 'planned' })
  }))
}
