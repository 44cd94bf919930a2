// The whole action in-process against nock: each numbered behaviour of the action issue, seen from the runner's side.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, SECRET, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { USER_AGENT } from '../../../src/version.js'

interface Sent {
  headers: Record<string, string | string[] | undefined>
  body: unknown
  path: string
}

/** Intercepts POST /integrations, recording exactly what was sent. */
function expectCreate(sent: Sent[], status = 201, reply: unknown = record()) {
  return nock(API)
    .post('/integrations')
    .reply(function (uri, body) {
      sent.push({ headers: this.req.headers, body, path: uri })
      return [status, reply as nock.Body]
    })
}

useNock()

describe('happy path', () => {
  it('makes exactly one request with the documented headers and body, and sets every output', async () => {
    const sent: Sent[] = []
    const scope = expectCreate(sent)
    const result = await runAction(baseInputs)

    expect(result.failed).toBe(false)
    scope.done()
    expect(sent).toHaveLength(1)
    expect(sent[0].path).toBe('/v4/integrations')
    expect(sent[0].body).toEqual({
      title: 'Amplitude — iOS',
      integration: 'amplitude',
      target_platform: 'iOS'
    })
    expect(sent[0].headers.authorization).toBe(`Bearer ${SECRET}`)
    expect(sent[0].headers['content-type']).toBe('application/json')
    expect(sent[0].headers['user-agent']).toMatch(/^qonversion-integration-action\/1\.0\.0/)
    expect(sent[0].headers['idempotency-key']).toBe(result.outputs['idempotency-key'])
    expect(result.outputs).toEqual({
      'idempotency-key': expect.stringMatching(/^qia-4242-[0-9a-f]{32}$/),
      'integration-id': 'gNl6hyM6',
      status: '0',
      'status-label': 'paused',
      url: '/v4/integrations/gNl6hyM6',
      'provider-title': 'Amplitude',
      'created-at': '2026-11-27T10:00:00Z',
      created: 'true',
      health: 'paused',
      'last-delivery-at': '',
      'delivery-error-count': '0',
      'last-error': '',
      integration: JSON.stringify(record())
    })
    expect(result.stdout).toContain(`Idempotency key: ${result.outputs['idempotency-key']}`)
  })

  it('accepts the record wrapped as {object, url, data}', async () => {
    const sent: Sent[] = []
    expectCreate(sent, 201, {
      object: 'integration',
      url: '/v4/integrations/gNl6hyM6',
      data: record({ active: 1 })
    })
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
    expect(result.outputs['status-label']).toBe('active')
  })

  it('does not double the slash when api-url ends in one', async () => {
    const sent: Sent[] = []
    expectCreate(sent)
    const result = await runAction({ ...baseInputs, 'api-url': `${API}/` })
    expect(result.failed).toBe(false)
    expect(sent[0].path).toBe('/v4/integrations')
  })

  it('writes a job summary table without the secret', async () => {
    expectCreate([])
    const result = await runAction(baseInputs)
    expect(result.summary).toContain('<td>Integration id</td><td><code>gNl6hyM6</code></td>')
    for (const cell of ['Title', 'Provider', 'Store', 'Status', 'Idempotency key', 'HTTP attempts']) {
      expect(result.summary).toContain(`<td>${cell}</td>`)
    }
    expect(result.summary).toContain('<td>HTTP attempts</td><td>1</td>')
    expect(result.summary).not.toContain(SECRET)
  })
})

describe('bad input fails before any request', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['empty title', { title: '' }, /Input `title` is empty/],
    [
      'long title',
      { title: 'x'.repeat(256) },
      /Input `title` is 256 characters long; Qonversion accepts at most 255/
    ],
    ['blank provider', { provider: '   ' }, /Input `provider` is empty/],
    [
      'lower-case store',
      { store: 'ios' },
      /Input `store` is `ios`; it must be exactly `iOS`, `Android` or `Stripe`.*Store names are case-sensitive: use `iOS`\./
    ],
    ['unknown store', { store: 'Huawei' }, /Input `store` is `Huawei`/],
    ['empty secret', { 'secret-key': '' }, /Input `secret-key` is empty.*forks.*Dependabot/s],
    [
      'ftp api-url',
      { 'api-url': 'ftp://example.com' },
      /Input `api-url` is `ftp:\/\/example.com`; it must be an https:\/\/ URL/
    ],
    [
      'non-numeric attempts',
      { 'max-attempts': 'four' },
      /Input `max-attempts` is `four`; it must be a whole number from 1 to 10/
    ],
    [
      'zero timeout',
      { 'timeout-seconds': '0' },
      /Input `timeout-seconds` is `0`; it must be a whole number from 1 to 300 seconds/
    ],
    ['non-boolean activate', { activate: 'yes' }, /Input `activate` is `yes`; it must be `true` or `false`/],
    ['non-boolean dry-run', { 'dry-run': '1' }, /Input `dry-run` is `1`/],
    [
      'unknown if-exists',
      { 'if-exists': 'update' },
      /Input `if-exists` is `update`; it must be `create`, `reuse` or `fail`/
    ]
  ]
  it.each(cases)('%s', async (_name, inputs, message) => {
    const result = await runAction({ ...baseInputs, ...inputs })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/^qonversion-integration-action: /)
    expect(result.failure).toMatch(message)
    expect(result.stdout).not.toMatch(/at .*\.ts:\d+/) // no stack trace for a user's mistake
    expect(nock.pendingMocks()).toEqual([])
  })

  it('reports every bad input at once', async () => {
    const result = await runAction({ ...baseInputs, title: '', store: 'android', 'max-attempts': '0' })
    expect(result.failure).toMatch(/3 inputs need fixing/)
    expect(result.failure).toMatch(/`title`/)
    expect(result.failure).toMatch(/`Android`/)
    expect(result.failure).toMatch(/`max-attempts`/)
  })

  it('warns, but sends, a provider outside the documented snapshot', async () => {
    const sent: Sent[] = []
    expectCreate(sent, 201, record({ integration: 'Amplitud' }))
    const result = await runAction({ ...baseInputs, provider: 'amplitud' })
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(
      /::warning::Provider `amplitud` is not in the documented list.*did you mean `amplitude`/
    )
    expect(sent[0].body).toMatchObject({ integration: 'amplitud' })
  })
})

describe('idempotency key', () => {
  const keyFor = async (inputs: Record<string, string>, env: Record<string, string> = {}) => {
    const sent: Sent[] = []
    expectCreate(sent)
    await runAction({ ...baseInputs, ...inputs }, env)
    return sent[0].headers['idempotency-key'] as string
  }

  it('is the same on a re-run of the same run and differs across runs and requests', async () => {
    const first = await keyFor({}, { GITHUB_RUN_ATTEMPT: '1' })
    expect(await keyFor({}, { GITHUB_RUN_ATTEMPT: '2' })).toBe(first)
    expect(await keyFor({}, { GITHUB_RUN_ID: '4243' })).not.toBe(first)
    expect(await keyFor({ store: 'Android' })).not.toBe(first)
    expect(await keyFor({ title: 'Amplitude — iOS v2' })).not.toBe(first)
    expect(first).toMatch(/^[\x21-\x7e]{1,64}$/)
  })

  it('uses the idempotency-key input when given', async () => {
    expect(await keyFor({ 'idempotency-key': 'release-2026-11-27' })).toBe('release-2026-11-27')
  })

  it('is random, with a warning, outside a workflow run', async () => {
    const sent: Sent[] = []
    expectCreate(sent)
    const result = await runAction(baseInputs, { GITHUB_RUN_ID: undefined })
    expect(sent[0].headers['idempotency-key']).toMatch(/^qia-local-[0-9a-f-]{36}$/)
    expect(result.stdout).toMatch(/::warning::GITHUB_RUN_ID is not set/)
  })
})

describe('retries', () => {
  it('retries 503 and 429 with the same key, honouring Retry-After, and logs each retry', async () => {
    const sent: Sent[] = []
    const record429 = (uri: string, body: unknown, req: { headers: Sent['headers'] }) =>
      sent.push({ path: uri, body, headers: req.headers })
    nock(API)
      .post('/integrations')
      .reply(function (uri, body) {
        record429(uri, body, this.req)
        return [503, { error: { type: 'internal', code: 'internal_error', message: 'Try later' } }]
      })
      .post('/integrations')
      .reply(function (uri, body) {
        record429(uri, body, this.req)
        return [
          429,
          { error: { type: 'request', code: 'rate_limit_exceeded', message: 'Slow down' } },
          { 'Retry-After': '7' }
        ]
      })
    expectCreate(sent)
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((s) => s.headers['idempotency-key'])).size).toBe(1)
    expect(result.sleeps).toEqual([500, 7000])
    expect(result.stdout).toContain(
      'POST /v4/integrations: attempt 1 of 4 failed: HTTP 503; retrying in 0.5 s.'
    )
    expect(result.stdout).toContain(
      'attempt 2 of 4 failed: HTTP 429, the API asked to wait (Retry-After); retrying in 7.0 s.'
    )
    expect(result.summary).toContain('<td>HTTP attempts</td><td>3</td>')
  })

  it('retries a dropped connection and ends with the one record', async () => {
    const sent: Sent[] = []
    nock(API)
      .post('/integrations')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    expectCreate(sent)
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(/attempt 1 of 4 failed: .*(ECONNRESET|socket hang up).*retrying/)
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
  })

  it.each([400, 401, 403, 404, 409, 422])('does not retry HTTP %i', async (status) => {
    nock(API)
      .post('/integrations')
      .reply(status, { error: { type: 'request', code: 'nope', message: 'No.' } })
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.sleeps).toEqual([])
    expect(nock.isDone()).toBe(true)
  })

  it('gives up after max-attempts with the status and attempts in the message', async () => {
    nock(API)
      .post('/integrations')
      .times(2)
      .reply(500, { error: { type: 'internal', code: 'internal_error', message: 'Boom' } })
    const result = await runAction({ ...baseInputs, 'max-attempts': '2' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/Creating the integration failed: HTTP 500 internal_error — Boom/)
    expect(result.failure).toMatch(/Gave up after 2 attempts/)
    expect(result.failure).toMatch(/same idempotency key/)
  })
})

describe('failure messages', () => {
  it('carries the status, code, message and every detail of a 422', async () => {
    nock(API)
      .post('/integrations')
      .reply(422, {
        error: {
          type: 'request',
          code: 'invalid_data',
          message: 'The request is invalid',
          details: [
            { field: 'title', message: 'Title is too long' },
            { field: 'target_platform', message: 'Not supported' }
          ]
        }
      })
    nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS'] }] })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(
      /^qonversion-integration-action: Creating the integration failed: HTTP 422 invalid_data — The request is invalid/
    )
    expect(result.failure).toContain('  - title: Title is too long')
    expect(result.failure).toContain('  - target_platform: Not supported')
  })

  it('explains a 401 (Secret Key, not the public Project Key; sandbox vs production)', async () => {
    nock(API)
      .post('/integrations')
      .reply(401, { error: { type: 'request', code: 'control_unauthorized', message: 'Unauthorized' } })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/HTTP 401 control_unauthorized — Unauthorized/)
    expect(result.failure).toMatch(/Secret Key from Project settings/)
    expect(result.failure).toMatch(/not the older public Project Key/)
    expect(result.failure).toMatch(/`test_sk_…` for sandbox/)
  })

  it('explains a 403', async () => {
    nock(API)
      .post('/integrations')
      .reply(403, { error: { type: 'request', code: 'control_forbidden', message: 'Forbidden' } })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/HTTP 403 control_forbidden — Forbidden/)
    expect(result.failure).toMatch(/belongs to this project and environment/)
  })

  it('summarises an HTML page from a proxy instead of dumping it', async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(5000)}</body></html>`
    nock(API).post('/integrations').times(4).reply(502, page, { 'Content-Type': 'text/html' })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/HTTP 502, with an HTML page titled “502 Bad Gateway” instead of JSON/)
    expect(result.failure).not.toContain('xxxxxxxxxx')
  })

  it('fails clearly on a 2xx that is not an integration', async () => {
    nock(API).post('/integrations').reply(200, { hello: 'world' })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/the API answered HTTP 200 but the body is not the expected record/)
  })

  it('fails clearly on malformed JSON', async () => {
    nock(API).post('/integrations').reply(201, '{"object":"integ', { 'Content-Type': 'application/json' })
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/HTTP 201 but the body is not valid JSON/)
  })
})

describe('the secret', () => {
  it('is masked first and never printed, even with step debug on and on failure', async () => {
    nock(API)
      .post('/integrations')
      .reply(401, { error: { code: 'control_unauthorized', message: `bad key ${SECRET}` } })
    const result = await runAction(baseInputs, { RUNNER_DEBUG: '1' })
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(`::add-mask::${SECRET}`)
    expect(lines.slice(1).join('\n')).toContain('::debug::POST /v4/integrations attempt 1: HTTP 401')
    // Only the mask command names it; even the API's own echo of it is scrubbed.
    expect(lines.slice(1).filter((line) => line.includes(SECRET))).toEqual([])
    expect(result.failure).toContain('bad key ***')
    expect(JSON.stringify(result.outputs)).not.toContain(SECRET)
    expect(result.summary).not.toContain(SECRET)
  })
})

describe('activate', () => {
  it('sets the new integration active and outputs the record it returns', async () => {
    const sent: Sent[] = []
    expectCreate(sent)
    nock(API)
      .post('/integrations/gNl6hyM6/status')
      .reply(function (uri, body) {
        sent.push({ path: uri, body, headers: this.req.headers })
        return [200, record({ active: 1, updated_at: '2026-11-27T10:00:05Z' })]
      })
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.failed).toBe(false)
    expect(sent.map((s) => s.path)).toEqual(['/v4/integrations', '/v4/integrations/gNl6hyM6/status'])
    expect(sent[1].body).toEqual({ status: 1 })
    expect(sent[1].headers.authorization).toBe(`Bearer ${SECRET}`)
    expect(result.outputs.status).toBe('1')
    expect(result.outputs['status-label']).toBe('active')
    expect(JSON.parse(result.outputs.integration)).toMatchObject({
      active: 1,
      updated_at: '2026-11-27T10:00:05Z'
    })
  })

  it('retries the status call too', async () => {
    expectCreate([])
    nock(API)
      .post('/integrations/gNl6hyM6/status')
      .reply(503)
      .post('/integrations/gNl6hyM6/status')
      .reply(200, record({ active: 1 }))
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.outputs.status).toBe('1')
    expect(result.sleeps).toHaveLength(1)
  })
})

describe('dry-run', () => {
  it('prints the request with the secret redacted, sets idempotency-key, and changes nothing', async () => {
    const listed = nock(API).get('/integrations').reply(200, { data: [] })
    const meta = nock(API)
      .get('/integrations/meta')
      .reply(200, {
        data: [
          { category: 'analytics', integrations: [{ slug: 'amplitude', allowedStores: ['iOS', 'Android'] }] }
        ]
      })
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    meta.done()
    listed.done()
    expect(result.stdout).toContain(`POST ${API}/integrations`)
    expect(result.stdout).toContain('Authorization: Bearer ***')
    expect(result.stdout).toContain('"target_platform": "iOS"')
    expect(result.stdout).toContain('Dry run: would create a new integration.')
    // The client's own request, header for header: what the real run would send, the key redacted.
    const key = /Idempotency-Key: (\S+)/.exec(result.stdout)?.[1]
    expect(key).toBe(result.outputs['idempotency-key'])
    expect(result.stdout).toContain('Accept: application/json')
    expect(result.stdout).toContain(`User-Agent: ${USER_AGENT}`)
    expect(result.stdout).not.toContain(`Bearer ${SECRET}`)
    expect(result.outputs).toEqual({ 'idempotency-key': expect.stringMatching(/^qia-4242-/) })
    expect(result.summary).toContain('(dry run)')
  })
})
