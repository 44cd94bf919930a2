// API answers that are not the happy path: redirects, odd bodies, long Retry-After, partial records, our own bugs.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'

useNock()

describe('unusual answers', () => {
  it('explains a redirect instead of following it with a changed method', async () => {
    nock(API).post('/integrations').reply(301, '', { Location: 'https://api.other.test/v4/integrations' })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/HTTP 301, with an empty body/)
    expect(result.failure).toMatch(
      /redirected to https:\/\/api.other.test\/v4\/integrations; set `api-url` to the final address/
    )
  })

  it('quotes a short plain-text error body', async () => {
    nock(API).post('/integrations').reply(400, 'Bad request: missing body')
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(
      /HTTP 400, with a body that is not the API's JSON error: “Bad request: missing body”/
    )
  })

  it('cuts a long plain-text body', async () => {
    nock(API).post('/integrations').reply(400, 'y'.repeat(500))
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/“y{120}…”/)
  })

  it('does not wait out a very long Retry-After and says so', async () => {
    nock(API)
      .post('/integrations')
      .reply(
        429,
        { error: { type: 'request', code: 'rate_limit_exceeded', message: 'Too many' } },
        { 'Retry-After': '600' }
      )
    const result = await runAction(baseInputs)
    expect(result.sleeps).toEqual([])
    expect(result.failure).toMatch(/HTTP 429 rate_limit_exceeded — Too many/)
    expect(result.failure).toMatch(
      /asked to wait 600 s before retrying, longer than this action waits \(60 s\)/
    )
  })

  it('explains a 429 that outlasted every attempt', async () => {
    nock(API)
      .post('/integrations')
      .times(2)
      .reply(429, { error: { code: 'rate_limit_exceeded', message: 'Slow' } }, { 'Retry-After': '1' })
    const result = await runAction({ ...baseInputs, 'max-attempts': '2' })
    expect(result.failure).toMatch(/Gave up after 2 attempts/)
    expect(result.failure).toMatch(/rate-limiting this project/)
    expect(result.sleeps).toEqual([1000])
  })

  it('names detail entries that lack a field or message', async () => {
    nock(API)
      .post('/integrations')
      .reply(422, { error: { code: 'invalid_data', details: [{}] } })
    const result = await runAction(baseInputs)
    expect(result.failure).toContain('  - (unnamed field): (no message)')
  })

  it('fills outputs from a minimal record and labels an unknown state', async () => {
    nock(API).post('/integrations').reply(201, {
      id: 'min1',
      title: 'Amplitude — iOS',
      integration: 'Amplitude',
      target_platform: 'iOS',
      active: 7
    })
    const result = await runAction(baseInputs)
    expect(result.outputs).toMatchObject({
      url: '/v4/integrations/min1',
      'created-at': '',
      'status-label': 'unknown (7)'
    })
  })

  it('runs without a job summary file (outside a runner)', async () => {
    nock(API).post('/integrations').reply(201, record())
    const result = await runAction(baseInputs, { GITHUB_STEP_SUMMARY: undefined })
    expect(result.failed).toBe(false)
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
  })

  it('treats a record with a deleted_at as deleted when looking for matches', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, { data: [record({ id: 'GONE', deleted_at: '2026-11-01T00:00:00Z' })] })
    nock(API).post('/integrations').reply(201, record())
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
  })
})

describe('a bug of ours', () => {
  it('still ends in one failure message, with the stack only under debug', async () => {
    // A transport breaking its contract (no body) stands in for a programming error.
    const broken = () =>
      Promise.resolve({ status: 201, headers: new Headers(), body: undefined as unknown as string })
    const result = await runAction(baseInputs, {}, broken)
    expect(result.failed).toBe(true)
    expect(result.stdout).toMatch(/::debug::TypeError: .*\n?.*at /)
    expect(result.failure).toMatch(/^qonversion-integration-action: /)
  })
})

describe('no answer at all', () => {
  it('names the request, the cause, what to check, and that re-running is safe', async () => {
    nock(API)
      .post('/integrations')
      .times(2)
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    const result = await runAction({ ...baseInputs, 'max-attempts': '2' })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      'Creating the integration failed: no answer after 2 attempts (POST /v4/integrations): the connection was refused (ECONNREFUSED).'
    )
    expect(result.failure).toMatch(/Check that https:\/\/api.test\/v4 is reachable from the runner/)
    expect(result.failure).toMatch(/Re-running is safe/)
    expect(result.stdout).not.toMatch(/at .*\.ts:\d+/)
  })
})
