// The hardening issue (#8), item by item, through the whole action in-process against nock: what was sent, what
// the runner was told (stdout, outputs, summary), and what was never sent.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'

const list = (...records: Record<string, unknown>[]) => ({ object: 'list', data: records, has_more: false })

interface Sent {
  path: string
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

/** Intercepts one POST to `path`, recording what was sent. */
function post(sent: Sent[], path: string, status: number, reply: unknown, base = API) {
  return nock(base)
    .post(path)
    .reply(function (uri, body) {
      sent.push({ path: uri, body, headers: this.req.headers })
      return [status, reply as nock.Body]
    })
}

/** Every interceptor that would answer a request: none of them may be used when a run must send nothing. */
function anyRequest(base = API) {
  return nock(base).get(/.*/).reply(200, list()).post(/.*/).reply(201, record())
}

const lines = (stdout: string) => stdout.split('\n')
const unauthorized = { error: { type: 'request', code: 'control_unauthorized', message: 'Unauthorized' } }

useNock()

describe('1. never another provider’s record', () => {
  it('catalog down (503 ×4): the snapshot tells `Mixpanel` from `amplitude`, so a create is sent, created=true', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'MIX', integration: 'Mixpanel', active: 1 })))
    const meta = nock(API).get('/integrations/meta').times(4).reply(503)
    const sent: Sent[] = []
    post(sent, '/integrations', 201, record({ id: 'NEW12345' }))
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    meta.done()
    expect(sent.map((s) => s.body)).toEqual([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' }
    ])
    expect(result.outputs['integration-id']).toBe('NEW12345')
    expect(result.outputs.created).toBe('true')
    expect(result.stdout).toMatch(
      /::warning::Providers could not be checked: the provider catalog \(GET \/integrations\/meta\) could not be read/
    )
  })

  it('catalog down and a record it cannot tell (`Apple Search Ads` for `searchads`): fails closed, no POST, lists the candidate', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'ASA1', title: 'ASA', integration: 'Apple Search Ads', active: 1 })))
    nock(API).get('/integrations/meta').times(4).reply(503)
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction({
      ...baseInputs,
      title: 'ASA',
      provider: 'searchads',
      'if-exists': 'reuse'
    })
    expect(result.failed).toBe(true)
    expect(create.isDone()).toBe(false)
    expect(result.failure).toMatch(
      /^qonversion-integration-action: Cannot tell whether this integration is `searchads`/
    )
    expect(result.failure).toContain('  - ASA1: provider “Apple Search Ads”, store iOS')
    expect(result.failure).toMatch(/Make the match unambiguous/)
    expect(result.outputs.created).not.toBe('true')
  })

  it('a display title two catalog entries share (`Apple Search Ads` for searchads and asa_legacy): fails closed, no POST', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'ASA1', title: 'ASA', integration: 'Apple Search Ads', active: 1 })))
    const meta = nock(API)
      .get('/integrations/meta')
      .reply(200, {
        data: [
          { slug: 'searchads', title: 'Apple Search Ads', allowedStores: ['iOS'] },
          { slug: 'asa_legacy', title: 'Apple Search Ads', allowedStores: ['iOS'] }
        ]
      })
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction({
      ...baseInputs,
      title: 'ASA',
      provider: 'searchads',
      'if-exists': 'reuse'
    })
    expect(result.failed).toBe(true)
    meta.done()
    expect(create.isDone()).toBe(false)
    expect(result.failure).toMatch(/Cannot tell whether this integration is `searchads`/)
    expect(result.failure).toContain('  - ASA1: provider “Apple Search Ads”, store iOS')
    expect(result.outputs['integration-id']).toBeUndefined()
  })
})

describe('2. a provider slug in the wrong letter case', () => {
  it.each([
    ['Amplitude', 'amplitude'],
    ['AMPLITUDE', 'amplitude'],
    ['SearchAds', 'searchads']
  ])('`%s` is refused before any request, naming `%s`', async (provider, slug) => {
    const scope = anyRequest()
    const result = await runAction({ ...baseInputs, provider })
    expect(result.failed).toBe(true)
    expect(result.failure).toBe(
      `qonversion-integration-action: Input \`provider\` is \`${provider}\`; provider slugs are lower-case: use \`${slug}\`.`
    )
    expect(scope.pendingMocks()).toHaveLength(2)
  })

  it('a slug that is not a case variant is still sent, with a warning', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 201, record({ integration: 'Some New Provider' }))
    const result = await runAction({ ...baseInputs, provider: 'somenewprovider' })
    expect(result.failed).toBe(false)
    expect(sent[0].body).toMatchObject({ integration: 'somenewprovider' })
    expect(result.stdout).toMatch(/::warning::Provider `somenewprovider` is not in the documented list/)
  })
})

describe('3. two runs racing', () => {
  it('two matches under reuse: no create, names concurrent runs and how to clean up', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'FIRST111' }), record({ id: 'SECOND22' })))
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(true)
    expect(create.isDone()).toBe(false)
    expect(result.failure).toContain('  - FIRST111: provider “Amplitude”, store iOS')
    expect(result.failure).toContain('  - SECOND22: provider “Amplitude”, store iOS')
    expect(result.failure).toMatch(/Two runs racing \(without a `concurrency:` group\) are the likely cause/)
    expect(result.failure).toMatch(/delete the others in the Qonversion dashboard/)
  })
})

describe('4. `if-exists: fail` on a re-run', () => {
  it('GITHUB_RUN_ATTEMPT=2: says the record may be the first attempt’s and points to reuse', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'MINE1234' })))
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction({ ...baseInputs, 'if-exists': 'fail' }, { GITHUB_RUN_ATTEMPT: '2' })
    expect(result.failed).toBe(true)
    expect(create.isDone()).toBe(false)
    expect(result.failure).toMatch(/already exists: MINE1234/)
    expect(result.failure).toMatch(/This is a re-run \(GITHUB_RUN_ATTEMPT > 1\).*first attempt created/)
    expect(result.failure).toMatch(/Use `if-exists: reuse` to return it instead/)
  })

  it('GITHUB_RUN_ATTEMPT=1: no word of a re-run', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'THEIRS12' })))
    const result = await runAction({ ...baseInputs, 'if-exists': 'fail' }, { GITHUB_RUN_ATTEMPT: '1' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/already exists: THEIRS12/)
    expect(result.failure).not.toMatch(/re-run/i)
  })
})

describe('5. a dry run proves what it says', () => {
  it('a refused key fails the dry run with the same message as the real run, and sends no POST', async () => {
    nock(API).get('/integrations').reply(401, unauthorized)
    const create = nock(API).post('/integrations').reply(201, record())
    const dry = await runAction({ ...baseInputs, 'secret-key': 'sk_not_a_real_key', 'dry-run': 'true' })
    expect(dry.failed).toBe(true)
    expect(create.isDone()).toBe(false)
    expect(dry.failure).toMatch(
      /^qonversion-integration-action: Listing integrations failed: HTTP 401 control_unauthorized — Unauthorized\nQonversion did not accept the key/
    )

    nock.cleanAll()
    nock(API).get('/integrations').reply(401, unauthorized)
    const real = await runAction({ ...baseInputs, 'secret-key': 'sk_not_a_real_key', 'if-exists': 'reuse' })
    expect(real.failed).toBe(true)
    expect(dry.failure).toBe(real.failure)
  })

  it('a refused catalog read fails the dry run instead of falling back to the snapshot', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API)
      .get('/integrations/meta')
      .reply(403, { error: { type: 'request', code: 'control_forbidden', message: 'Forbidden' } })
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Reading the provider catalog failed: HTTP 403 control_forbidden — Forbidden/
    )
    expect(result.stdout).not.toMatch(/could not be read/)
    expect(nock.pendingMocks()).toEqual([])
  })

  it('an unreachable API fails the dry run', async () => {
    nock(API)
      .get('/integrations')
      .times(4)
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Listing integrations failed: no answer after 4 attempts.*connection was refused/
    )
    expect(nock.pendingMocks()).toEqual([])
  })

  it('an HTML page (200 text/html) instead of the list fails the dry run', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, '<html><head><title>Sign in</title></head><body>Portal</body></html>', {
        'Content-Type': 'text/html'
      })
    nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'amplitude' }] })
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Listing integrations: the API answered HTTP 200 but the body is not valid JSON/
    )
    expect(result.stdout).not.toMatch(/Dry run: would create/)
  })

  it('the dry run’s summary shows the HTTP attempts it made', async () => {
    nock(API)
      .get('/integrations')
      .reply(503)
      .get('/integrations')
      .reply(200, list())
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS'] }] })
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    expect(nock.pendingMocks()).toEqual([])
    expect(result.summary).toContain('(dry run)')
    expect(result.summary).toContain('<td>HTTP attempts</td><td>3</td>')
  })
})

describe('6. plain http:// only to loopback', () => {
  it.each([
    'http://api.qonversion.io/v4',
    'http://127.0.0.1.nip.io/v4',
    'http://localhost.example.com/v4',
    'http://10.0.0.1/v4'
  ])('%s is refused before any request', async (apiUrl) => {
    const origin = new URL(apiUrl).origin
    const scope = anyRequest(origin)
    const result = await runAction({ ...baseInputs, 'api-url': apiUrl })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      `Input \`api-url\` is \`${apiUrl}\`: plain http:// would send the Secret Key across the network unencrypted`
    )
    expect(result.failure).toMatch(/Use https:\/\/, such as `https:\/\/api\.qonversion\.io\/v4`/)
    expect(scope.pendingMocks()).toHaveLength(2)
  })

  it.each(['http://127.0.0.1:8080/v4', 'http://localhost:8080/v4'])(
    '%s (loopback) is allowed',
    async (apiUrl) => {
      const sent: Sent[] = []
      post(sent, '/v4/integrations', 201, record(), new URL(apiUrl).origin)
      const result = await runAction({ ...baseInputs, 'api-url': apiUrl })
      expect(result.failed).toBe(false)
      expect(sent).toHaveLength(1)
    }
  )
})

describe('7. server text cannot write workflow commands', () => {
  const hostileProvider = 'Amplitude\n::warning::pwned\n::stop-commands::x'
  const escapedProvider = 'Amplitude\\n::warning::pwned\\n::stop-commands::x'
  const forged = /^::(warning::pwned|stop-commands|set-output|error::forged)/m

  it('record fields on the success path are printed escaped, and output exactly as sent (a reused record in the error state)', async () => {
    nock(API)
      .get('/integrations')
      .reply(
        200,
        list(
          record({
            active: 2,
            last_error_message: 'Invalid key\n::warning::pwned\r\n::stop-commands::x',
            last_error_at: '2026-11-27T10:00:00Z'
          })
        )
      )
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    expect(result.stdout).not.toMatch(forged)
    expect(result.stdout).toContain('Last error: Invalid key\\n::warning::pwned\\r\\n::stop-commands::x')
    expect(result.outputs['last-error']).toBe('Invalid key\n::warning::pwned\r\n::stop-commands::x')
    expect(result.summary).toContain('Invalid key\\n::warning::pwned')
  })

  it('an API error’s HTML reaches the summary’s failure block as text', async () => {
    nock(API)
      .post('/integrations')
      .reply(422, {
        error: { type: 'request', code: 'invalid_data', message: '<b>x</b></code></pre><img src=y>' }
      })
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.summary).toContain('&lt;b&gt;x&lt;/b&gt;&lt;/code&gt;&lt;/pre&gt;&lt;img src=y&gt;')
    expect(result.summary).not.toContain('<img')
  })

  it('a created record’s provider (with line breaks) reaches the message escaped and the outputs exactly', async () => {
    nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'amplitude', title: 'Amplitude' }] })
    post([], '/integrations', 201, record({ integration: hostileProvider }))
    const result = await runAction({ ...baseInputs, require: 'active' })
    expect(result.failed).toBe(true)
    expect(result.stdout).not.toMatch(forged)
    expect(result.failure).toContain(`(“Amplitude — iOS”, ${escapedProvider}, iOS) is paused`)
    expect(result.outputs['provider-title']).toBe(hostileProvider)
    expect(JSON.parse(result.outputs.integration)).toMatchObject({ integration: hostileProvider })
    expect(Object.keys(result.outputs).sort()).toEqual(
      [
        'created',
        'created-at',
        'delivery-error-count',
        'health',
        'idempotency-key',
        'integration',
        'integration-id',
        'last-delivery-at',
        'last-error',
        'provider-title',
        'status',
        'status-label',
        'url'
      ].sort()
    )
  })

  it('a create answered with another title (with \\r) names it escaped and outputs no record', async () => {
    post([], '/integrations', 201, record({ title: 'Amplitude — iOS\r::warning::t' }))
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.stdout).not.toMatch(/^::warning::t/m)
    expect(result.failure).toContain('answered gNl6hyM6 “Amplitude — iOS\\r::warning::t” (Amplitude, iOS)')
    expect(Object.keys(result.outputs)).toEqual(['idempotency-key'])
  })

  it('an API error message with a newline and `::error::` is escaped', async () => {
    nock(API)
      .post('/integrations')
      .reply(422, {
        error: {
          code: 'invalid_data\n::set-output name=x::y',
          message: 'Invalid\n::error::forged',
          details: [{ field: 'title\n::error::forged', message: 'bad\n::warning::pwned' }]
        }
      })
    const result = await runAction(baseInputs, { RUNNER_DEBUG: '1' })
    expect(result.failed).toBe(true)
    expect(result.stdout).not.toMatch(forged)
    expect(result.failure).toContain(
      'HTTP 422 invalid_data\\n::set-output name=x::y — Invalid\\n::error::forged'
    )
    expect(result.failure).toContain('  - title\\n::error::forged: bad\\n::warning::pwned')
    expect(result.failure).not.toMatch(/\n::error::forged/)
  })

  it('an HTML page title with a newline is escaped', async () => {
    nock(API)
      .post('/integrations')
      .reply(403, '<html><title>Denied\n::error::forged</title></html>', { 'Content-Type': 'text/html' })
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.stdout).not.toMatch(forged)
    expect(result.failure).toContain('an HTML page titled “Denied\\n::error::forged”')
  })

  it('a record whose target_platform is not a store is refused as an unexpected answer', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ target_platform: 'Windows' })))
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(true)
    expect(create.isDone()).toBe(false)
    expect(result.failure).toMatch(
      /^qonversion-integration-action: Listing integrations: the API answered HTTP 200 but the body is not the expected record/
    )
  })

  it('a created record with a null error count and unreadable times still sets every output, and fails `require: healthy`', async () => {
    nock(API)
      .post('/integrations')
      .reply(
        201,
        record({
          active: 1,
          delivery_error_count: null,
          last_delivery_at: 'garbage',
          last_error_at: 'not-a-date'
        })
      )
    const result = await runAction({ ...baseInputs, require: 'healthy' })
    expect(result.failed).toBe(true)
    expect(result.outputs['integration-id']).toBe(record().id)
    expect(result.outputs['delivery-error-count']).toBe('0')
    expect(result.outputs['last-delivery-at']).toBe('')
    expect(result.outputs.health).toBe('failing')
    expect(result.failure).toContain('is failing; `require: healthy` needs idle or healthy')
  })

  it('a created record with target_platform `Windows` fails the step', async () => {
    nock(API)
      .post('/integrations')
      .reply(201, record({ target_platform: 'Windows' }))
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Creating the integration: the API answered HTTP 201 but the body is not the expected record/
    )
    expect(result.outputs['integration-id']).toBeUndefined()
  })
})

describe('8. a body over the cap', () => {
  it('a 5 MiB answer fails the step with one `::error` line naming 4 MiB, without a retry or a crash', async () => {
    const huge = JSON.stringify({ ...record(), padding: 'x'.repeat(5 * 1024 * 1024) })
    nock(API).post('/integrations').reply(201, huge, { 'Content-Type': 'application/json' })
    const second = nock(API).post('/integrations').reply(201, record())
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    const errors = lines(result.stdout).filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(result.failure).toMatch(
      /^qonversion-integration-action: Creating the integration failed: POST \/v4\/integrations: the answer was larger than 4 MiB, the most this action reads; the connection was dropped\./
    )
    expect(result.stdout).not.toContain('ERR_STRING_TOO_LONG')
    expect(result.sleeps).toEqual([])
    expect(second.isDone()).toBe(false)
    expect(result.summary).toContain('larger than 4 MiB')
  })
})

describe('9. runs without GITHUB_REPOSITORY', () => {
  it('work, with a stable derived key and a warning', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 201, record())
    post(sent, '/integrations', 201, record())
    const first = await runAction(baseInputs, { GITHUB_REPOSITORY: undefined })
    const second = await runAction(baseInputs, { GITHUB_REPOSITORY: undefined })
    expect([first.failed, second.failed]).toEqual([false, false])
    expect(first.outputs['integration-id']).toBe('gNl6hyM6')
    expect(first.stdout).toMatch(/::warning::GITHUB_REPOSITORY is not set/)
    expect(sent[0].headers['idempotency-key']).toMatch(/^qia-4242-[0-9a-f]{32}$/)
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key'])
    expect(second.outputs['idempotency-key']).toBe(sent[0].headers['idempotency-key'])
  })

  it('with an explicit idempotency-key: no warning, that key sent', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 201, record())
    const result = await runAction(
      { ...baseInputs, 'idempotency-key': 'release-42' },
      { GITHUB_REPOSITORY: undefined }
    )
    expect(result.failed).toBe(false)
    expect(result.stdout).not.toMatch(/GITHUB_REPOSITORY/)
    expect(sent[0].headers['idempotency-key']).toBe('release-42')
  })

  it('a dry run works too', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'amplitude', title: 'Amplitude' }] })
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' }, { GITHUB_REPOSITORY: undefined })
    expect(result.failed).toBe(false)
    expect(result.stdout).toContain('Dry run: would create a new integration.')
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('10. outputs and summary when the step fails', () => {
  it('activation refused after a create: outputs set, summary written, the failure names the id', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 201, record())
    post(sent, '/integrations/gNl6hyM6/status', 403, {
      error: { type: 'request', code: 'control_forbidden', message: 'Forbidden' }
    })
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.failed).toBe(true)
    expect(sent.map((s) => [s.path, s.body])).toEqual([
      ['/v4/integrations', { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' }],
      ['/v4/integrations/gNl6hyM6/status', { status: 1 }]
    ])
    expect(result.failure).toMatch(
      /^qonversion-integration-action: Setting integration gNl6hyM6 active failed: HTTP 403 control_forbidden — Forbidden/
    )
    expect(result.outputs).toMatchObject({
      'integration-id': 'gNl6hyM6',
      created: 'true',
      status: '0',
      'status-label': 'paused',
      health: 'paused',
      'idempotency-key': expect.stringMatching(/^qia-4242-/)
    })
    expect(result.summary).toContain('— failed')
    expect(result.summary).toContain('<td>Integration id</td><td><code>gNl6hyM6</code></td>')
    expect(result.summary).toContain('created (paused), activation failed')
    expect(result.summary).toMatch(/Setting integration gNl6hyM6 active failed: HTTP 403/)
  })

  it('a health requirement not met: outputs set, summary written with the health', async () => {
    post([], '/integrations', 201, record())
    const result = await runAction({ ...baseInputs, require: 'active' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/Integration gNl6hyM6 .* is paused; `require: active`/)
    expect(result.outputs).toMatchObject({ 'integration-id': 'gNl6hyM6', created: 'true', health: 'paused' })
    expect(result.summary).toContain('<td>Health</td><td>paused</td>')
    expect(result.summary).toContain('— failed')
  })

  it('invalid input: the summary says what was asked and the error', async () => {
    const scope = anyRequest()
    const result = await runAction({ ...baseInputs, store: 'ios' })
    expect(result.failed).toBe(true)
    expect(scope.pendingMocks()).toHaveLength(2)
    expect(result.summary).toContain('— failed')
    expect(result.summary).toContain('<td>Title</td><td>Amplitude — iOS</td>')
    expect(result.summary).toContain('Input `store` is `ios`')
    expect(result.summary).toContain('<td>HTTP attempts</td><td>0</td>')
  })

  it('a refused create: the summary carries the error', async () => {
    nock(API).post('/integrations').reply(401, unauthorized)
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.summary).toContain('— failed')
    expect(result.summary).toContain('Creating the integration failed: HTTP 401')
    expect(result.outputs['integration-id']).toBeUndefined()
  })
})

describe('11. log lines say what is true', () => {
  it('a create without activate is "created (paused)"', async () => {
    post([], '/integrations', 201, record())
    const result = await runAction(baseInputs)
    expect(result.stdout).toContain('Integration gNl6hyM6: created (paused).')
    expect(result.stdout).not.toMatch(/ready/i)
  })

  it('a create with activate is "created and set active"', async () => {
    post([], '/integrations', 201, record())
    post([], '/integrations/gNl6hyM6/status', 200, record({ active: 1 }))
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.stdout).toContain('Integration gNl6hyM6: created and set active.')
    expect(result.stdout).not.toMatch(/ready/i)
  })

  it('an activation answered with a paused record says so, not "set active"', async () => {
    post([], '/integrations', 201, record())
    post([], '/integrations/gNl6hyM6/status', 200, record({ active: 0 }))
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.stdout).toContain('Integration gNl6hyM6: created and asked to set active, answered paused.')
    expect(result.stdout).not.toContain('created and set active')
    expect(result.outputs['status-label']).toBe('paused')
  })

  it('an activation answered in the error state says so and warns, as for a suspended record found', async () => {
    post([], '/integrations', 201, record())
    post(
      [],
      '/integrations/gNl6hyM6/status',
      200,
      record({ active: 2, last_error_message: 'Invalid API key' })
    )
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.failed).toBe(false)
    expect(result.stdout).toContain('Integration gNl6hyM6: created and asked to set active, answered error.')
    expect(result.stdout).toMatch(
      /::warning::Integration gNl6hyM6 is in the error state\. Last error: Invalid API key/
    )
  })
})

describe('12. retries only for statuses that can succeed later', () => {
  it.each([501, 505])('HTTP %i fails at once: one request, no wait', async (status) => {
    const first = nock(API)
      .post('/integrations')
      .reply(status, { error: { code: 'nope', message: 'Not here' } })
    const retry = nock(API).post('/integrations').reply(201, record())
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(first.isDone()).toBe(true)
    expect(retry.isDone()).toBe(false)
    expect(result.sleeps).toEqual([])
    expect(result.failure).toMatch(
      new RegExp(`Creating the integration failed: HTTP ${status} nope — Not here`)
    )
  })

  it('HTTP 425 is retried with the same key', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 425, { error: { code: 'too_early', message: 'Too early' } })
    post(sent, '/integrations', 201, record())
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(sent).toHaveLength(2)
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key'])
    expect(result.sleeps).toHaveLength(1)
    expect(result.stdout).toContain('POST /v4/integrations: attempt 1 of 4 failed: HTTP 425; retrying in')
  })
})
