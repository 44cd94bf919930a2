// Cancellation in the pipeline: apply starts no write after the signal, and the gate stops waiting and keeps each record.
import { describe, expect, it } from '@jest/globals'
import { apply, type Result } from '../../src/pipeline/apply.js'
import { Cancelled } from '../../src/domain/errors.js'
import { gate } from '../../src/pipeline/gate.js'
import type { Decision } from '../../src/domain/plan.js'
import type { IntegrationRecord } from '../../src/domain/record.js'
import { ApiSession, apiConnection } from '../../src/pipeline/session.js'
import { NEVER_DELIVERED, integration } from '../../__fixtures__/records.js'

const cancelledBy = (name: string): AbortSignal => {
  const controller = new AbortController()
  controller.abort(new Cancelled(`cancelled by ${name}`))
  return controller.signal
}

describe('apply and the gate, cancelled', () => {
  const record = (id: string, title: string): IntegrationRecord =>
    integration({ object: 'integration', id, title, ...NEVER_DELIVERED })
  const wanted = (title: string) => ({
    title,
    provider: 'amplitude',
    store: 'iOS',
    active: undefined,
    source: `f.yml:${title}`
  })
  const sessionWith = (signal: AbortSignal, sent: string[], sleep?: (ms: number) => Promise<void>) =>
    new ApiSession(
      apiConnection(
        { apiUrl: 'https://api.test/v4', secretKey: 'sk_x', maxAttempts: 2, timeoutMs: 1000 },
        {
          signal,
          sleep,
          transport: (request) => {
            sent.push(`${request.method} ${new URL(request.url).pathname}`)
            return Promise.reject(new Error('no network in this test'))
          }
        },
        { info: () => undefined, warning: () => undefined, debug: () => undefined },
        { readOnly: false }
      ),
      { info: () => undefined, warning: () => undefined, debug: () => undefined }
    )

  it('starts no write after the signal; a decision that needs no request is still reported as found', async () => {
    const sent: string[] = []
    const found = record('r1', 'Kept')
    const decisions: Decision[] = [
      { action: 'reuse', wanted: wanted('Kept'), record: found },
      { action: 'create', wanted: wanted('New') },
      { action: 'activate', wanted: wanted('Paused'), record: record('r2', 'Paused') }
    ]
    const results = await apply(decisions, sessionWith(cancelledBy('SIGINT'), sent), {
      concurrency: 2,
      keyFor: () => 'key'
    })
    expect(sent).toEqual([])
    expect(results.map((r) => [r.done, r.record?.id, r.error?.message])).toEqual([
      ['reused (paused)', 'r1', undefined],
      ['not started (cancelled)', undefined, 'not started: cancelled by SIGINT'],
      ['not started (cancelled)', 'r2', 'not started: cancelled by SIGINT']
    ])
    expect(results[1].error).toBeInstanceOf(Cancelled)
  })

  it('the gate stops waiting at the signal and keeps each record', async () => {
    const controller = new AbortController()
    const sent: string[] = []
    // The wait never ends by itself: only the cancellation can end it.
    const session = sessionWith(controller.signal, sent, () => new Promise<void>(() => undefined))
    const created = record('r9', 'Waiting')
    const results: Result[] = [
      {
        outcome: 'done',
        decision: { action: 'create', wanted: wanted('Waiting') },
        record: created,
        created: true,
        wrote: true,
        done: 'created (paused)'
      }
    ]
    const gating = gate(results, session, {
      requirement: 'delivering',
      waitSeconds: 600,
      sleep: session.api.policy.sleep,
      now: Date.now
    })
    controller.abort(new Cancelled('cancelled by SIGINT'))
    const gated = await gating
    expect(sent).toEqual([])
    expect(gated[0].record).toBe(created)
    expect(gated[0].error).toBeInstanceOf(Cancelled)
    expect(gated[0].error?.cause).toBeInstanceOf(Cancelled)
    expect(gated[0].error?.message).toBe(
      'Integration r9 (created (paused)): the wait for `require: delivering` was cancelled; it was paused.'
    )
  })
})
