// The single action's dry run in-process against nock: it fails where the real run would, and sends no write.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { list } from '../../../__fixtures__/records.js'

const unauthorized = { error: { type: 'request', code: 'control_unauthorized', message: 'Unauthorized' } }

useNock()

describe('a dry run proves what it says', () => {
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
