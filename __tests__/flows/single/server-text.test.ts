// Server text through the single action in-process against nock: printed escaped, output exactly, refused when
// it is not a record; a body over the cap fails in one line.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { list } from '../../../__fixtures__/records.js'
import { post } from '../../../__fixtures__/nock-single.js'

const lines = (stdout: string) => stdout.split('\n')

useNock()

describe('server text cannot write workflow commands', () => {
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

describe('a body over the cap', () => {
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

describe('outputs over GitHub’s 1 MB per output', () => {
  it('the single action cuts an over-long output with a warning and sets the others exactly', async () => {
    const message = `E\n${'x'.repeat(1_200_000)}`
    nock(API)
      .post('/integrations')
      .reply(201, record({ last_error_message: message }))
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(
      /::warning::Output `last-error` is over GitHub's limit of 1 MB per output, so it was cut\./
    )
    expect(result.stdout).toMatch(/::warning::Output `integration` is over GitHub's limit/)
    expect(result.outputs['last-error'].startsWith('E\nxxx')).toBe(true)
    expect(result.outputs['last-error']).toMatch(
      /… \[cut: the value was 1200002 bytes, over GitHub's limit of 1 MB per output\]$/
    )
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
  })
})
