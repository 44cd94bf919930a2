// Matching through the whole single action in-process against nock: never another provider's record, two runs
// racing, `if-exists: fail` on a re-run — what was sent and what the runner was told.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { list } from '../../../__fixtures__/records.js'
import { type Sent, post } from '../../../__fixtures__/nock-single.js'

useNock()

describe('never another provider’s record', () => {
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

describe('two runs racing', () => {
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

describe('`if-exists: fail` on a re-run', () => {
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
