// apply() and preview() on plain decisions, through a stand-in for the network: what each decision sends, and the
// result it ends with (the record, whether it wrote, the failure and what that failure wraps).
import { describe, expect, it } from '@jest/globals'
import { apply, preview, type Result } from '../../src/pipeline/apply.js'
import { ApiError, ConflictError, InputError, WrongRecordError } from '../../src/domain/errors.js'
import type { Decision } from '../../src/domain/plan.js'
import type { HttpRequest, HttpResponse } from '../../src/net/retry.js'
import type { IntegrationRecord } from '../../src/domain/record.js'
import { ApiSession, apiConnection } from '../../src/pipeline/session.js'
import { entry, integration } from '../../__fixtures__/records.js'

const rec = (overrides: Partial<IntegrationRecord> = {}): IntegrationRecord =>
  integration({ object: 'integration', id: 'amp1', ...overrides })

const wanted = entry

type Answer = [status: number, body: unknown]

/**
 * A session whose transport answers `METHOD /path` from the table (each path's answers in turn, the last repeated)
 * and records every request it was given.
 */
function stand(answers: Record<string, Answer[]>): { session: ApiSession; sent: HttpRequest[] } {
  const sent: HttpRequest[] = []
  const given = new Map<string, number>()
  const transport = (request: HttpRequest): Promise<HttpResponse> => {
    sent.push(request)
    const key = `${request.method} ${new URL(request.url).pathname}`
    const list = answers[key]
    if (!list) return Promise.reject(new Error(`unexpected ${key}`))
    const n = given.get(key) ?? 0
    given.set(key, n + 1)
    const [status, body] = list[Math.min(n, list.length - 1)]
    return Promise.resolve({ status, headers: { get: () => null }, body: JSON.stringify(body) })
  }
  const log = { info: () => undefined, warning: () => undefined, debug: () => undefined }
  const api = apiConnection(
    { apiUrl: 'https://api.test/v4', secretKey: 'sk_apply', maxAttempts: 1, timeoutMs: 1000 },
    { transport, sleep: () => Promise.resolve(), random: () => 0 },
    log,
    { readOnly: false }
  )
  return { session: new ApiSession(api, log), sent }
}

const run = (decisions: Decision[], session: ApiSession, concurrency = 1): Promise<Result[]> =>
  apply(decisions, session, { concurrency, keyFor: (w) => `key-${w.title}` })

const bodyOf = (request: HttpRequest): unknown => JSON.parse(request.body ?? 'null')

describe('apply: writes', () => {
  it('creates paused: one POST with the entry and its key; the answer is the record', async () => {
    const answer = rec({ id: 'new1' })
    const { session, sent } = stand({ 'POST /v4/integrations': [[201, answer]] })
    const [result] = await run([{ action: 'create', wanted: wanted() }], session)
    expect(sent).toHaveLength(1)
    expect(bodyOf(sent[0])).toEqual({
      title: 'Amplitude — iOS',
      integration: 'amplitude',
      target_platform: 'iOS'
    })
    expect(sent[0].headers['Idempotency-Key']).toBe('key-Amplitude — iOS')
    expect(result).toMatchObject({
      outcome: 'done',
      record: answer,
      created: true,
      wrote: true,
      done: 'created (paused)'
    })
    expect(result.error).toBeUndefined()
  })

  it('creates and activates an entry that wants it active', async () => {
    const { session, sent } = stand({
      'POST /v4/integrations': [[201, rec({ id: 'new1' })]],
      'POST /v4/integrations/new1/status': [[200, rec({ id: 'new1', active: 1 })]]
    })
    const [result] = await run([{ action: 'create', wanted: wanted({ active: true }) }], session)
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual([
      '/v4/integrations',
      '/v4/integrations/new1/status'
    ])
    expect(bodyOf(sent[1])).toEqual({ status: 1 })
    expect(result).toMatchObject({ outcome: 'done', created: true, done: 'created and set active' })
    expect(result.record?.active).toBe(1)
  })

  it('a failed activation after the create keeps the created record with the failure', async () => {
    const created = rec({ id: 'new1' })
    const { session } = stand({
      'POST /v4/integrations': [[201, created]],
      'POST /v4/integrations/new1/status': [[400, { error: { code: 'bad', message: 'no' } }]]
    })
    const [result] = await run([{ action: 'create', wanted: wanted({ active: true }) }], session)
    expect(result).toMatchObject({
      outcome: 'failed',
      record: created,
      created: true,
      wrote: true,
      done: 'created (paused), activation failed'
    })
    expect(result.error).toBeInstanceOf(ApiError)
  })

  it('a create answered with another integration fails and hands no record on', async () => {
    const { session } = stand({ 'POST /v4/integrations': [[201, rec({ id: 'x9', title: 'Someone else' })]] })
    const [result] = await run([{ action: 'create', wanted: wanted() }], session)
    expect(result).toMatchObject({ outcome: 'failed', created: false, wrote: false, done: 'failed' })
    expect(result.record).toBeUndefined()
    expect(result.error).toBeInstanceOf(WrongRecordError)
    expect(result.error?.message).toContain('asked for “Amplitude — iOS” (amplitude, iOS), answered x9')
  })

  it('activates and pauses found records, an unmanaged one (prune) too', async () => {
    const { session, sent } = stand({
      'POST /v4/integrations/a/status': [[200, rec({ id: 'a', active: 1 })]],
      'POST /v4/integrations/p/status': [[200, rec({ id: 'p', active: 0 })]],
      'POST /v4/integrations/u/status': [[200, rec({ id: 'u', title: 'Old', active: 1 })]]
    })
    const results = await run(
      [
        { action: 'activate', wanted: wanted(), record: rec({ id: 'a' }) },
        { action: 'pause', wanted: wanted({ active: false }), record: rec({ id: 'p', active: 1 }) },
        { action: 'pause', record: rec({ id: 'u', title: 'Old', active: 1 }) }
      ],
      session
    )
    expect(sent.map((r) => [new URL(r.url).pathname, bodyOf(r)])).toEqual([
      ['/v4/integrations/a/status', { status: 1 }],
      ['/v4/integrations/p/status', { status: 0 }],
      ['/v4/integrations/u/status', { status: 0 }]
    ])
    expect(results.map((r) => [r.outcome, r.record?.id, r.wrote, r.done])).toEqual([
      ['done', 'a', true, 'set active'],
      ['done', 'p', true, 'paused'],
      // The server kept it active: the result says what the answer says.
      ['done', 'u', true, 'asked to pause, answered active']
    ])
  })

  it('a status answer about another id is refused; the entry keeps the record it was found with', async () => {
    const found = rec({ id: 'a' })
    const { session } = stand({ 'POST /v4/integrations/a/status': [[200, rec({ id: 'b', active: 1 })]] })
    const [result] = await run([{ action: 'activate', wanted: wanted(), record: found }], session)
    expect(result).toMatchObject({ outcome: 'failed', record: found, wrote: false, done: 'failed' })
    expect(result.error).toBeInstanceOf(WrongRecordError)
  })

  it('one failed write does not stop the others', async () => {
    const { session, sent } = stand({
      'POST /v4/integrations': [
        [400, { error: { code: 'bad_request', message: 'nope' } }],
        [201, rec({ id: 'two', title: 'Two' })]
      ]
    })
    const results = await run(
      [
        { action: 'create', wanted: wanted({ title: 'One' }) },
        { action: 'create', wanted: wanted({ title: 'Two' }) }
      ],
      session
    )
    expect(sent).toHaveLength(2)
    expect(results.map((r) => [r.outcome, r.record?.id])).toEqual([
      ['failed', undefined],
      ['done', 'two']
    ])
    expect(results[0].error).toBeInstanceOf(ApiError)
  })

  it('a create refused for its provider gets the catalog’s reading, the API’s error kept as its cause', async () => {
    const { session, sent } = stand({
      'POST /v4/integrations': [
        [
          422,
          {
            error: {
              code: 'invalid',
              message: 'Bad provider',
              details: [{ field: 'integration', message: 'unknown' }]
            }
          }
        ]
      ],
      'GET /v4/integrations/meta': [[200, { data: [{ slug: 'amplitude', allowedStores: ['iOS'] }] }]]
    })
    const [result] = await run([{ action: 'create', wanted: wanted({ provider: 'amplitud' }) }], session)
    expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /v4/integrations',
      'GET /v4/integrations/meta'
    ])
    const error = result.error as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.message).toMatch(/HTTP 422 invalid — Bad provider/)
    expect(error.message).toMatch(
      /`amplitud` is not in Qonversion's provider catalog; did you mean `amplitude`\?$/
    )
    expect(error.status).toBe(422)
    expect(error.attempts).toBe(1)
    expect(error.cause).toBeInstanceOf(ApiError)
    expect((error.cause as ApiError).message).not.toMatch(/did you mean/)
  })
})

describe('apply: decisions that send nothing', () => {
  it('reuses and leaves alone without a request; refuses conflicts and invalid entries, handing no record on', async () => {
    const { session, sent } = stand({})
    const kept = rec({ id: 'k', active: 1 })
    const other = rec({ id: 'other' })
    const results = await run(
      [
        { action: 'reuse', wanted: wanted(), record: kept },
        { action: 'nothing', record: other },
        { action: 'conflict', wanted: wanted(), record: other, reason: 'Found 2 integrations' },
        { action: 'invalid', wanted: wanted(), reason: '`x` is not in the catalog' }
      ],
      session
    )
    expect(sent).toEqual([])
    expect(results.map((r) => [r.outcome, r.record?.id, r.done, r.wrote])).toEqual([
      ['done', 'k', 'reused (active)', false],
      ['done', 'other', 'unchanged (paused)', false],
      ['not sent', undefined, 'conflict', false],
      ['not sent', undefined, 'not sent', false]
    ])
    expect(results[2].error).toBeInstanceOf(ConflictError)
    expect(results[2].error?.message).toBe('Found 2 integrations')
    expect(results[3].error).toBeInstanceOf(InputError)
    expect(results[3].error?.message).toBe('`x` is not in the catalog')
  })
})

describe('preview', () => {
  it('plans the writes with the record as found, and settles the rest as apply would', () => {
    const found = rec({ id: 'p', active: 1 })
    const results = preview([
      { action: 'create', wanted: wanted() },
      { action: 'pause', record: found },
      { action: 'reuse', wanted: wanted(), record: found },
      { action: 'conflict', wanted: wanted(), record: found, reason: 'two' }
    ])
    expect(results.map((r) => [r.outcome, r.record?.id, r.done, r.created, r.wrote])).toEqual([
      ['planned', undefined, 'planned', false, false],
      ['planned', 'p', 'planned', false, false],
      ['done', 'p', 'reused (active)', false, false],
      ['not sent', undefined, 'conflict', false, false]
    ])
  })
})
