// The release gate with an injected clock: no request for `require: exists`, one check for `wait-seconds: 0`,
// and the re-read schedule (first within 5 s, gaps at most 30 s, the last at the deadline) against nock.
import { beforeEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../__fixtures__/use-nock.js'
import type { Result } from '../../src/pipeline/apply.js'
import { ApiError, ExpectedFailure, HealthError } from '../../src/domain/errors.js'
import { gate } from '../../src/pipeline/gate.js'
import type { Requirement } from '../../src/domain/health.js'
import type { IntegrationRecord } from '../../src/domain/record.js'
import { ApiSession, apiConnection } from '../../src/pipeline/session.js'
import { NEVER_DELIVERED, integration, list } from '../../__fixtures__/records.js'

const API = 'https://api.test/v4'
const KEY = 'sk_gate_test_key'
const T0 = Date.parse('2026-11-27T12:00:00Z')

const rec = (overrides: Partial<IntegrationRecord> = {}): IntegrationRecord =>
  integration({ object: 'integration', active: 1, ...NEVER_DELIVERED, ...overrides })
const idle = rec()
const healthy = rec({ last_delivery_at: '2026-11-27T12:00:20Z' })

let clock: number
let sleeps: number[]
let lines: string[]

beforeEach(() => {
  clock = T0
  sleeps = []
  lines = []
})

const now = (): number => clock
const sleep = (ms: number): Promise<void> => {
  sleeps.push(ms)
  clock += ms
  return Promise.resolve()
}

function session(): ApiSession {
  const log = {
    info: (l: string) => lines.push(l),
    warning: (l: string) => lines.push(l),
    debug: () => undefined
  }
  const api = apiConnection(
    { apiUrl: API, secretKey: KEY, maxAttempts: 4, timeoutMs: 5000 },
    { sleep, now, random: () => 0.5 },
    log,
    { readOnly: false }
  )
  return new ApiSession(api, log)
}

const wanted = {
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  active: undefined,
  source: "the step's inputs"
}

const resultFor = (record: IntegrationRecord): Result => ({
  outcome: 'done',
  decision: { action: 'reuse', wanted, record },
  record,
  created: false,
  wrote: false,
  done: `reused (${record.active})`
})

/** A GET /integrations that answers each read with the next body (the last one repeated), recording when it came. */
function reads(...bodies: IntegrationRecord[][]): { at: number[]; auth: (string | undefined)[] } {
  const seen = { at: [] as number[], auth: [] as (string | undefined)[] }
  nock(API)
    .get('/integrations')
    .times(1000)
    .reply(function () {
      seen.at.push((clock - T0) / 1000)
      seen.auth.push(this.req.headers.authorization)
      return [200, list(...bodies[Math.min(seen.at.length - 1, bodies.length - 1)])]
    })
  return seen
}

const run = (results: Result[], requirement: Requirement, waitSeconds: number) =>
  gate(results, session(), { requirement, waitSeconds, sleep, now })

const healthChecks = () => lines.filter((l) => l.startsWith('Health check'))

useNock()

describe('require: exists', () => {
  it('sends no request and sets no error, even for a paused record and a wait', async () => {
    const scope = nock(API)
      .get('/integrations')
      .reply(200, list(rec({ active: 0 })))
    const results = await run([resultFor(rec({ active: 0 }))], 'exists', 100)
    expect(scope.isDone()).toBe(false)
    expect(sleeps).toEqual([])
    expect(results[0].error).toBeUndefined()
  })
})

describe('wait-seconds: 0', () => {
  it('checks the record it has once, without a request', async () => {
    const scope = nock(API).get('/integrations').reply(200, list(healthy))
    const results = await run([resultFor(idle)], 'delivering', 0)
    expect(scope.isDone()).toBe(false)
    expect(sleeps).toEqual([])
    expect(results[0].error).toBeInstanceOf(HealthError)
    expect(results[0].record).toBe(idle)
  })

  it('passes a record that meets the requirement', async () => {
    const results = await run([resultFor(healthy)], 'delivering', 0)
    expect(results[0].error).toBeUndefined()
  })

  it('names the integration, its health, the last error and its time, the count, the advice, and that re-running is safe', async () => {
    const suspended = rec({
      active: 2,
      last_error_message: 'Invalid API key',
      last_error_at: '2026-11-26T08:00:00Z',
      last_delivery_at: '2026-11-25T08:00:00Z',
      delivery_error_count: 5
    })
    const results = await run([resultFor(suspended)], 'active', 0)
    expect(results[0].error?.message).toBe(
      [
        'Integration gNl6hyM6 (“Amplitude — iOS”, Amplitude, iOS) is error; `require: active` needs failing or idle or healthy.',
        'Last error: Invalid API key (at 2026-11-26T08:00:00Z); delivery errors since the last success: 5; last delivery: 2026-11-25T08:00:00Z.',
        'Qonversion suspended it after failed deliveries: fix the provider credentials in the Qonversion dashboard, then re-activate it (`activate: true`).',
        'Re-running is safe: the same idempotency key is sent, so nothing is created twice.'
      ].join('\n')
    )
  })

  it.each([
    ['paused', rec({ active: 0 }), /is paused;.*\n.*\nIt is paused: set `activate: true`/],
    [
      'failing',
      rec({
        delivery_error_count: 2,
        last_error_message: 'Quota exceeded',
        last_error_at: '2026-11-27T11:00:00Z'
      }),
      /is failing;.*\nLast error: Quota exceeded \(at 2026-11-27T11:00:00Z\); delivery errors since the last success: 2; last delivery: never\.\n.*credentials and quota/
    ],
    [
      'idle',
      idle,
      /is idle;.*\nLast error: none; delivery errors since the last success: 0; last delivery: never\.\nNo event has been delivered yet/
    ]
  ])('says what to do for a %s record', async (_health, record, message) => {
    const results = await run([resultFor(record)], 'delivering', 0)
    expect(results[0].error?.message).toMatch(message)
    expect(results[0].error?.message).toMatch(/`require: delivering` needs healthy\./)
  })

  it('leaves a result that already failed alone', async () => {
    const failed: Result = {
      ...resultFor(rec({ active: 0 })),
      outcome: 'failed',
      error: new Error('activation refused')
    }
    const [after] = await run([failed], 'healthy', 0)
    expect(after).toBe(failed)
    expect(after.error?.message).toBe('activation refused')
  })
})

describe('wait-seconds above 0', () => {
  it('re-reads at 4, 12, 28, 58, 88 and 100 s for a 100 s wait, never after the deadline, then fails', async () => {
    const seen = reads([idle])
    const results = await run([resultFor(idle)], 'delivering', 100)
    expect(seen.at).toEqual([4, 12, 28, 58, 88, 100])
    expect(seen.auth.every((a) => a === `Bearer ${KEY}`)).toBe(true)
    expect(clock - T0).toBe(100_000)
    expect(results[0].error).toBeInstanceOf(HealthError)
    expect(results[0].error?.message).toMatch(
      /^Integration gNl6hyM6 \(“Amplitude — iOS”, Amplitude, iOS\) is idle; `require: delivering` needs healthy — waited 100 s, the last health seen was idle\./
    )
  })

  it('logs one line per read, with the health and the error count', async () => {
    reads([rec({ delivery_error_count: 3 })])
    await run([resultFor(idle)], 'delivering', 20)
    expect(healthChecks()).toEqual([
      'Health check 1 after 4 s: gNl6hyM6 failing, 3 delivery error(s).',
      'Health check 2 after 12 s: gNl6hyM6 failing, 3 delivery error(s).',
      'Health check 3 after 20 s: gNl6hyM6 failing, 3 delivery error(s).'
    ])
    expect(lines).toHaveLength(3)
  })

  it('keeps the first re-read within 5 s and every gap within 30 s over a long wait, the last read at the deadline', async () => {
    const seen = reads([idle])
    await run([resultFor(idle)], 'delivering', 600)
    expect(seen.at[0]).toBeLessThanOrEqual(5)
    const gaps = seen.at.slice(1).map((t, i) => t - seen.at[i])
    expect(Math.max(...gaps)).toBe(30)
    expect(gaps.every((g) => g > 0)).toBe(true)
    expect(seen.at[seen.at.length - 1]).toBe(600)
    expect(Math.max(...seen.at)).toBe(600)
    expect(healthChecks()).toHaveLength(seen.at.length)
  })

  it('a wait shorter than the first gap reads once, at the deadline', async () => {
    const seen = reads([idle])
    await run([resultFor(idle)], 'delivering', 3)
    expect(seen.at).toEqual([3])
  })

  it('passes as soon as the record turns healthy, and reads no more', async () => {
    const seen = reads([idle], [idle], [healthy])
    const results = await run([resultFor(idle)], 'delivering', 100)
    expect(seen.at).toEqual([4, 12, 28])
    expect(results[0].error).toBeUndefined()
    expect(results[0].record).toEqual(healthy)
    expect(healthChecks()[2]).toBe('Health check 3 after 28 s: gNl6hyM6 healthy, 0 delivery error(s).')
  })

  it('reads nothing when every record already meets the requirement', async () => {
    const seen = reads([healthy])
    await run([resultFor(healthy)], 'delivering', 100)
    expect(seen.at).toEqual([])
  })

  it('honours a 429 Retry-After during the wait and still passes', async () => {
    const at: number[] = []
    nock(API)
      .get('/integrations')
      .reply(() => {
        at.push((clock - T0) / 1000)
        return [429, { error: { code: 'rate_limit_exceeded', message: 'Slow down' } }, { 'Retry-After': '7' }]
      })
      .get('/integrations')
      .reply(() => {
        at.push((clock - T0) / 1000)
        return [200, list(healthy)]
      })
    const results = await run([resultFor(idle)], 'delivering', 60)
    expect(sleeps).toEqual([4000, 7000])
    expect(at).toEqual([4, 11])
    expect(results[0].error).toBeUndefined()
    expect(results[0].record).toEqual(healthy)
    expect(nock.pendingMocks()).toEqual([])
    expect(lines).toContain(
      'GET /v4/integrations: attempt 1 of 4 failed: HTTP 429, the API asked to wait (Retry-After); retrying in 7.0 s.'
    )
  })

  it('keeps to its timetable when each answer takes 3 s: the gaps do not stretch', async () => {
    const at: number[] = []
    nock(API)
      .get('/integrations')
      .times(10)
      .reply(() => {
        at.push((clock - T0) / 1000)
        clock += 3000 // the answer comes 3 s after the request
        return [200, list(idle)]
      })
    await run([resultFor(idle)], 'delivering', 60)
    // The read at 58 s is answered at 61 s, after the deadline: no read follows it.
    expect(at).toEqual([4, 12, 28, 58])
  })

  it('makes no read after the deadline when a Retry-After would push the retry past it, and says so', async () => {
    const at: number[] = []
    nock(API)
      .get('/integrations')
      .reply(() => {
        at.push((clock - T0) / 1000)
        return [200, list(idle)]
      })
      .get('/integrations')
      .reply(() => {
        at.push((clock - T0) / 1000)
        return [429, { error: { code: 'rate_limit_exceeded', message: 'Slow down' } }, { 'Retry-After': '8' }]
      })
    const results = await run([resultFor(idle)], 'delivering', 12)
    expect(at).toEqual([4, 12])
    expect(clock - T0).toBe(12_000)
    expect(nock.pendingMocks()).toEqual([])
    expect(results[0].error).toBeInstanceOf(HealthError)
    expect(results[0].error?.message).toMatch(
      /is idle; `require: delivering` needs healthy — waited 12 s, the last health seen was idle\./
    )
    expect(results[0].error?.message).toContain(
      'The last re-read got no answer: GET /v4/integrations: attempt 1 failed: HTTP 429, the API asked to wait (Retry-After); the next attempt (in 8.0 s) would come after the end of the wait, so none was made.'
    )
    expect(results[0].record).toEqual(idle)
  })

  it('fails at once, with no more reads, when the record vanishes from the list', async () => {
    const seen = reads([rec({ id: 'SOMEONE-ELSE' })])
    const results = await run([resultFor(idle)], 'delivering', 100)
    expect(seen.at).toEqual([4])
    expect(results[0].error).toBeInstanceOf(HealthError)
    expect(results[0].error?.message).toBe(
      'Integration gNl6hyM6 (“Amplitude — iOS”) is no longer listed: it was deleted while waiting for `require: delivering`.'
    )
    expect(healthChecks()).toEqual(['Health check 1 after 4 s: gNl6hyM6 deleted, 0 delivery error(s).'])
  })

  it('waits for every pending record in one read per round, and reports the one still below', async () => {
    const other = rec({ id: 'OTHER', title: 'Mixpanel — iOS', integration: 'Mixpanel' })
    const seen = reads([idle, other], [healthy, other])
    const results = await run([resultFor(idle), resultFor(other)], 'delivering', 20)
    expect(seen.at).toEqual([4, 12, 20])
    expect(results[0].error).toBeUndefined()
    expect(results[1].error?.message).toMatch(
      /^Integration OTHER .* is idle; .* waited 20 s, the last health seen was idle\./
    )
    expect(healthChecks()[0]).toBe(
      'Health check 1 after 4 s: gNl6hyM6 idle, 0 delivery error(s); OTHER idle, 0 delivery error(s).'
    )
  })
})

describe('what the gate returns', () => {
  it('returns new results and leaves the ones it was given as they were', async () => {
    reads([healthy])
    const given = [resultFor(idle)]
    const [passed] = await run(given, 'delivering', 10)
    expect(passed).toMatchObject({ outcome: 'done', record: healthy })
    expect(given[0]).toEqual(resultFor(idle))
    const [below] = await run([resultFor(rec({ active: 0 }))], 'active', 0)
    expect(below).toMatchObject({ outcome: 'failed', record: rec({ active: 0 }), done: 'reused (0)' })
    expect(below.error).toBeInstanceOf(HealthError)
  })

  it('holds only an entry’s record to `require`, not an unmanaged one', async () => {
    const scope = nock(API).get('/integrations').reply(200, list(healthy))
    const unmanaged: Result = {
      outcome: 'done',
      decision: { action: 'nothing', record: idle },
      record: idle,
      created: false,
      wrote: false,
      done: 'unchanged (active)'
    }
    const [after] = await run([unmanaged], 'delivering', 100)
    expect(after).toBe(unmanaged)
    expect(scope.isDone()).toBe(false)
  })

  it('a failed re-read fails the entry and keeps the API’s error as the cause', async () => {
    nock(API)
      .get('/integrations')
      .reply(401, { error: { code: 'unauthorized', message: 'Bad key' } })
    const [result] = await run([resultFor(idle)], 'delivering', 100)
    expect(result).toMatchObject({ outcome: 'failed', record: idle })
    expect(result.error).toBeInstanceOf(ExpectedFailure)
    expect(result.error?.message).toMatch(
      /^Integration gNl6hyM6 \(reused \(1\)\): Listing integrations failed: HTTP 401 unauthorized — Bad key/
    )
    expect(result.error?.cause).toBeInstanceOf(ApiError)
    expect((result.error?.cause as ApiError).status).toBe(401)
  })
})
