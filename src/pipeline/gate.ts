// The release gate: whether each record meets `require`, re-reading the project until it does or the wait is over.
import { Cancelled, DeadlineReached, ExpectedFailure, HealthError } from '../domain/errors.js'
import { HEALTHS, adviceFor, healthOf, meets, type Requirement } from '../domain/health.js'
import type { Result } from './apply.js'
import type { IntegrationRecord } from '../domain/record.js'
import { neutralise } from '../domain/untrusted.js'
import type { ApiSession } from './session.js'

export interface GateOptions {
  requirement: Requirement
  waitSeconds: number
  sleep: (ms: number) => Promise<void>
  now: () => number
}

/**
 * The first re-read comes 4 s after the gate starts (within 5 s, even as a server sees it); each gap then doubles,
 * to at most 30 s. Reads keep to this timetable from the start, so slow answers do not stretch the gaps.
 */
export const FIRST_REREAD_MS = 4_000
export const MAX_REREAD_GAP_MS = 30_000

export function nextGap(previousGap: number | undefined): number {
  return previousGap === undefined ? FIRST_REREAD_MS : Math.min(MAX_REREAD_GAP_MS, previousGap * 2)
}

const accepted = (requirement: Requirement): string =>
  HEALTHS.filter((h) => meets(h, requirement)).join(' or ')

/** A record's delivery fields in one sentence (printed, so neutralised): its last error and when, the error count, the last delivery. */
export function deliveryFacts(record: IntegrationRecord): string {
  const error = record.last_error_message == null ? 'none' : neutralise(record.last_error_message, 1000)
  const at = record.last_error_at ? ` (at ${neutralise(record.last_error_at, 100)})` : ''
  return (
    `Last error: ${error}${at}; ` +
    `delivery errors since the last success: ${record.delivery_error_count ?? 0}; ` +
    `last delivery: ${neutralise(record.last_delivery_at ?? 'never', 100)}.`
  )
}

/** The one message for a record below the requirement: who, how it stands, and what to do. */
export function belowRequirement(
  record: IntegrationRecord,
  requirement: Requirement,
  waited?: number
): string {
  const health = healthOf(record)
  const parts = [
    `Integration ${record.id} (“${neutralise(record.title)}”, ${neutralise(record.integration, 200)}, ${record.target_platform}) is ${health}; ` +
      `\`require: ${requirement}\` needs ${accepted(requirement)}` +
      (waited === undefined
        ? '.'
        : ` — waited ${Math.round(waited / 1000)} s, the last health seen was ${health}.`),
    deliveryFacts(record),
    adviceFor(health),
    'Re-running is safe: the same idempotency key is sent, so nothing is created twice.'
  ]
  return parts.join('\n')
}

const pendingOf = (results: Result[], requirement: Requirement): Result[] =>
  results.filter((r) => !r.error && r.record && !meets(healthOf(r.record), requirement))

/**
 * Checks every result that has a record against the requirement; with a wait, re-reads the list (the API has no
 * get-one endpoint) until all meet it or the time is up — the last read at the deadline, never after it. A record
 * gone from the list fails at once. Results below the requirement get a HealthError; the records stay set.
 */
export async function gate(results: Result[], session: ApiSession, options: GateOptions): Promise<void> {
  const { requirement } = options
  let pending = pendingOf(results, requirement)
  const started = options.now()
  const deadline = started + options.waitSeconds * 1000
  let gap: number | undefined
  let planned = started
  /** Why the last re-read got no answer: its retry would have come after the deadline. */
  let cutShort: string | undefined
  for (let read = 1; pending.length > 0 && options.now() < deadline; read++) {
    gap = nextGap(gap)
    planned = Math.min(planned + gap, deadline)
    const wait = planned - options.now()
    let listed: IntegrationRecord[]
    try {
      if (wait > 0) await options.sleep(wait)
      listed = await session.list(deadline)
    } catch (error) {
      if (error instanceof DeadlineReached) {
        cutShort = error.message
        break
      }
      if (error instanceof Cancelled) {
        // The records stay as last seen, so outputs and the summary still name them; the wait itself failed.
        for (const result of pending) {
          result.error = new Cancelled(
            `Integration ${result.record!.id} (${result.done}): the wait for \`require: ${requirement}\` was cancelled; it was ${healthOf(result.record!)}.`
          )
        }
        return
      }
      // A failed re-read ends the wait; each record keeps its outputs, and the failure names it.
      for (const result of pending) {
        result.error = new ExpectedFailure(
          `Integration ${result.record!.id} (${result.done}): ${(error as Error).message}`
        )
      }
      return
    }
    const byId = new Map(listed.map((r) => [r.id, r]))
    for (const result of pending) {
      const fresh = byId.get(result.record!.id)
      if (fresh) result.record = fresh
      else
        result.error = new HealthError(
          `Integration ${result.record!.id} (“${neutralise(result.record!.title)}”) is no longer listed: it was deleted while waiting for \`require: ${requirement}\`.`
        )
    }
    const seen = pending
      .map(
        (r) =>
          `${r.record!.id} ${r.error ? 'deleted' : healthOf(r.record!)}, ${r.record!.delivery_error_count ?? 0} delivery error(s)`
      )
      .join('; ')
    session.log.info(`Health check ${read} after ${Math.round((options.now() - started) / 1000)} s: ${seen}.`)
    pending = pendingOf(results, requirement)
  }
  const waited = options.waitSeconds > 0 ? options.now() - started : undefined
  for (const result of pending) {
    const message = belowRequirement(result.record!, requirement, waited)
    result.error = new HealthError(
      cutShort ? `${message}\nThe last re-read got no answer: ${cutShort}` : message
    )
  }
}
