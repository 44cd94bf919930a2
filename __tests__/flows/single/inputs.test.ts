// The single action's inputs, run in-process against nock: provider slugs in another letter case, plain http://
// only to loopback, runs without GITHUB_REPOSITORY.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { list } from '../../../__fixtures__/records.js'
import { type Sent, anyRequest, post } from '../../../__fixtures__/nock-single.js'

useNock()

describe('a provider slug in the wrong letter case', () => {
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

describe('plain http:// only to loopback', () => {
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

describe('runs without GITHUB_REPOSITORY', () => {
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
