// `if-exists` (create, reuse, fail), the `created` output, and refusals explained from the provider catalog.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { list } from '../../../__fixtures__/records.js'

const catalog = {
  object: 'list',
  data: [
    {
      category: 'analytics',
      integrations: [
        { slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS', 'Android', 'Stripe'] },
        { slug: 'mixpanel', title: 'Mixpanel', allowedStores: ['iOS', 'Android', 'Stripe'] }
      ]
    },
    {
      category: 'attribution',
      integrations: [{ slug: 'searchads', title: 'Apple Search Ads', allowedStores: ['iOS'] }]
    }
  ]
}
useNock()

describe('if-exists: create (default)', () => {
  it('never lists: the happy path stays one request', async () => {
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction(baseInputs)
    create.done()
    expect(nock.pendingMocks()).toEqual([])
    expect(result.outputs.created).toBe('true')
  })
})

describe('if-exists: reuse', () => {
  it('returns a matching record without creating, created=false, all outputs filled', async () => {
    const existing = record({ id: 'OLD12345', url: '/v4/integrations/OLD12345', active: 1 })
    nock(API).get('/integrations').reply(200, list(existing))
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    expect(nock.isDone()).toBe(true) // no create, no catalog: the record names the provider plainly
    expect(result.outputs).toMatchObject({
      'integration-id': 'OLD12345',
      created: 'false',
      status: '1',
      'status-label': 'active',
      url: '/v4/integrations/OLD12345',
      'provider-title': 'Amplitude',
      'created-at': '2026-11-27T10:00:00Z',
      'idempotency-key': expect.stringMatching(/^qia-/)
    })
    expect(JSON.parse(result.outputs.integration)).toEqual(existing)
    expect(result.summary).toContain('reused (active)')
  })

  it('creates when nothing matches (other title, other store, deleted)', async () => {
    nock(API)
      .get('/integrations')
      .reply(
        200,
        list(
          record({ id: 'A', title: 'Other' }),
          record({ id: 'B', target_platform: 'Android' }),
          record({ id: 'C', deleted: true })
        )
      )
    const create = nock(API).post('/integrations').reply(201, record())
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    create.done()
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
    expect(result.outputs.created).toBe('true')
  })

  it('uses the catalog to tell providers apart: a same-titled record of another provider is not a match', async () => {
    nock(API)
      .get('/integrations')
      .reply(
        200,
        list(record({ id: 'MIX', integration: 'Mixpanel' }), record({ id: 'AMP', integration: 'Amplitude' }))
      )
    nock(API).get('/integrations/meta').reply(200, catalog)
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.outputs['integration-id']).toBe('AMP')
    expect(nock.isDone()).toBe(true)
  })

  it('matches a display title through the catalog (searchads is "Apple Search Ads")', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'ASA', title: 'ASA', integration: 'Apple Search Ads' })))
    nock(API).get('/integrations/meta').reply(200, catalog)
    const result = await runAction({
      ...baseInputs,
      title: 'ASA',
      provider: 'searchads',
      'if-exists': 'reuse'
    })
    expect(result.outputs['integration-id']).toBe('ASA')
    expect(result.outputs.created).toBe('false')
  })

  it('fails on two or more matches and lists their ids', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'ONE' }), record({ id: 'TWO' })))
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Found 2 integrations “Amplitude — iOS” \(amplitude, iOS\); the match must be unique:\n {2}- ONE: .*\n {2}- TWO: .*\nTwo runs racing/
    )
    expect(nock.pendingMocks()).toEqual([])
  })

  it('warns about a reused record in the error state', async () => {
    nock(API)
      .get('/integrations')
      .reply(
        200,
        list(
          record({ active: 2, last_error_message: 'Invalid API key', last_error_at: '2026-11-26T08:00:00Z' })
        )
      )
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(
      /::warning::Integration gNl6hyM6 is in the error state\. Last error: Invalid API key \(at 2026-11-26T08:00:00Z\).*fix the provider credentials/
    )
    expect(result.outputs['status-label']).toBe('error')
  })

  it.each([0, 2])('with activate, sets a reused record in state %i active', async (active) => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ active })))
    let sentBody: unknown
    nock(API)
      .post('/integrations/gNl6hyM6/status', (body) => {
        sentBody = body
        return true
      })
      .reply(200, record({ active: 1 }))
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse', activate: 'true' })
    expect(sentBody).toEqual({ status: 1 })
    expect(result.outputs.status).toBe('1')
    expect(result.outputs.created).toBe('false')
  })

  it('with activate, leaves an active reused record alone (no request)', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ active: 1 })))
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse', activate: 'true' })
    expect(result.failed).toBe(false)
    expect(result.outputs.status).toBe('1')
    expect(result.summary).toContain('<td>HTTP attempts</td><td>1</td>')
  })

  it('accepts a bare array from the list endpoint', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, [record({ id: 'BARE' })])
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.outputs['integration-id']).toBe('BARE')
  })
})

describe('if-exists: fail', () => {
  it('stops, naming the existing id', async () => {
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'EXISTS1' })))
    const result = await runAction({ ...baseInputs, 'if-exists': 'fail' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/already exists: EXISTS1. `if-exists: fail` stops here/)
  })

  it('creates when nothing matches', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API).post('/integrations').reply(201, record())
    const result = await runAction({ ...baseInputs, 'if-exists': 'fail' })
    expect(result.outputs.created).toBe('true')
  })
})

describe('refusals explained from the catalog', () => {
  const refuse = (field: string) =>
    nock(API)
      .post('/integrations')
      .reply(422, {
        error: {
          type: 'request',
          code: 'invalid_data',
          message: 'Invalid data',
          details: [{ field, message: 'is invalid' }]
        }
      })

  it('suggests the closest slug for an unknown provider', async () => {
    refuse('integration')
    nock(API).get('/integrations/meta').reply(200, catalog)
    const result = await runAction({ ...baseInputs, provider: 'amplitud' })
    expect(result.failure).toMatch(
      /`amplitud` is not in Qonversion's provider catalog; did you mean `amplitude`\?/
    )
  })

  it('names the stores a provider supports', async () => {
    refuse('target_platform')
    nock(API).get('/integrations/meta').reply(200, catalog)
    const result = await runAction({ ...baseInputs, provider: 'searchads', store: 'Android' })
    expect(result.failure).toMatch(/`searchads` supports only iOS, not Android/)
  })

  it('falls back to the documented list when the catalog cannot be read', async () => {
    refuse('integration')
    nock(API)
      .get('/integrations/meta')
      .reply(404, { error: { code: 'not_found', message: 'Nope' } })
    const result = await runAction({ ...baseInputs, provider: 'apsflyer' })
    expect(result.failure).toMatch(
      /`apsflyer` is not in the documented provider list; did you mean `appsflyer`\?/
    )
  })

  it('does not read the catalog for a refusal about something else', async () => {
    refuse('title')
    const result = await runAction(baseInputs)
    expect(result.failure).toMatch(/title: is invalid/)
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('dry-run with the catalog', () => {
  it('reports an unknown slug before anything would be sent', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API).get('/integrations/meta').reply(200, catalog)
    const result = await runAction({ ...baseInputs, provider: 'mixpanl', 'dry-run': 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Dry run: Qonversion would refuse this request: `mixpanl` is not in Qonversion's provider catalog; did you mean `mixpanel`\?/
    )
  })

  it('reports an unsupported store', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API).get('/integrations/meta').reply(200, catalog)
    const result = await runAction({
      ...baseInputs,
      provider: 'searchads',
      store: 'Stripe',
      'dry-run': 'true'
    })
    expect(result.failure).toMatch(/`searchads` supports only iOS, not Stripe/)
  })

  it('with reuse, says which id it would reuse', async () => {
    nock(API).get('/integrations/meta').reply(200, catalog)
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'KEEP1234' })))
    const result = await runAction({
      ...baseInputs,
      'if-exists': 'reuse',
      'dry-run': 'true',
      activate: 'true'
    })
    expect(result.failed).toBe(false)
    expect(result.stdout).toContain(
      'Dry run: would reuse the existing integration KEEP1234 and set it active.'
    )
  })

  it('reads the catalog once, though both the dry run and the match need it', async () => {
    let metaCalls = 0
    nock(API)
      .get('/integrations/meta')
      .times(2)
      .reply(() => {
        metaCalls++
        return [200, catalog]
      })
    nock(API)
      .get('/integrations')
      .reply(200, list(record({ id: 'ASA1', title: 'ASA', integration: 'Apple Search Ads' })))
    const result = await runAction({
      ...baseInputs,
      title: 'ASA',
      provider: 'searchads',
      'if-exists': 'reuse',
      'dry-run': 'true'
    })
    expect(result.stdout).toContain('Dry run: would reuse the existing integration ASA1.')
    expect(metaCalls).toBe(1)
  })

  it('with reuse and no match, says it would create', async () => {
    nock(API).get('/integrations/meta').reply(200, catalog)
    nock(API).get('/integrations').reply(200, list())
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse', 'dry-run': 'true' })
    expect(result.stdout).toContain('Dry run: would create a new integration.')
  })

  it('warns and goes on with the documented list only when the catalog body cannot be parsed', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API).get('/integrations/meta').reply(200, { groups: 'not a catalog' })
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(
      /::warning::Providers could not be checked: the provider catalog \(GET \/integrations\/meta\) could not be read, so providers are checked against the documented list only/
    )
  })

  it('with the documented list only, an undocumented slug is warned about and passes, as the real run would send it', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API).get('/integrations/meta').reply(200, '{not json')
    const result = await runAction({ ...baseInputs, provider: 'newprovider', 'dry-run': 'true' })
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(/::warning::.*`newprovider`/)
    expect(result.stdout).toContain('Dry run: would create a new integration.')
    expect(result.stdout).not.toContain('Qonversion would refuse')
  })

  it('with the live catalog, an undocumented slug fails the dry run as Qonversion would refuse it', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS'] }] })
    const result = await runAction({ ...baseInputs, provider: 'newprovider', 'dry-run': 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      "Dry run: Qonversion would refuse this request: `newprovider` is not in Qonversion's provider catalog"
    )
  })

  it('fails as the real run would when the catalog keeps answering 503', async () => {
    nock(API).get('/integrations').reply(200, list())
    nock(API).get('/integrations/meta').times(4).reply(503)
    const result = await runAction({ ...baseInputs, 'dry-run': 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/Reading the provider catalog failed: HTTP 503/)
  })
})
