// The API session over a scripted transport: attempts counted for the summary (failed calls too), the catalog read
// at most once and only when a provider needs telling apart, and how a failed catalog read is taken in each mode.
import { describe, expect, it } from '@jest/globals'
import { SNAPSHOT_CATALOG } from '../../src/domain/catalog.js'
import { ApiError, NetworkError } from '../../src/domain/errors.js'
import type { Wanted } from '../../src/domain/plan.js'
import { ApiSession, apiConnection } from '../../src/pipeline/session.js'
import { keptLog, scriptedApi, type Reply, type Sent } from '../../__fixtures__/api.js'
import { list, record } from '../../__fixtures__/records.js'

const META = {
  object: 'list',
  data: [
    { category: 'analytics', title: 'Analytics', integrations: [{ slug: 'amplitude', title: 'Amplitude' }] }
  ]
}
const wanted: Wanted = {
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  active: undefined,
  source: 'x'
}

const session = (answer: (sent: Sent) => Reply | Promise<Reply>, mode: 'lenient' | 'strict' = 'lenient') => {
  const { api, sent } = scriptedApi(answer)
  const log = keptLog()
  return { session: new ApiSession(api, log, mode), sent: () => sent.map((s) => s.path), log: log.lines }
}

describe('attempts', () => {
  it('adds up every call’s HTTP attempts, a failed call’s too', async () => {
    let lists = 0
    const { session: s } = session((sent) =>
      sent.path === '/integrations' ? (++lists === 1 ? [503, {}] : [200, list()]) : [401, {}]
    )
    await s.list()
    expect(s.attempts).toBe(2)
    await expect(s.setStatus('X', 1)).rejects.toThrow(ApiError)
    expect(s.attempts).toBe(3)
  })
})

describe('project', () => {
  it('checking every provider, asks for the catalog beside the list: both are out before the list answers', async () => {
    let metaAsked!: () => void
    const metaSeen = new Promise<void>((resolve) => (metaAsked = resolve))
    const { session: s, sent } = session((x) => {
      if (x.path === '/integrations/meta') {
        metaAsked()
        return [200, META]
      }
      // The list answers only once the catalog was asked for: one round trip for both, not two in a row.
      return metaSeen.then((): Reply => [200, list(record({ integration: 'amplitude' }))])
    })
    const { records, catalog } = await s.project([wanted], true)
    expect(sent()).toEqual(['/integrations', '/integrations/meta'])
    expect(records).toHaveLength(1)
    expect(catalog.live).toBe(true)
  })

  it('a list that fails (a refused key) fails alone: the catalog asked beside it adds no warning', async () => {
    const { session: s, log } = session(() => [401, { error: { message: 'bad key' } }])
    await expect(s.project([wanted], true)).rejects.toThrow(ApiError)
    expect(log.warning).toEqual([])
  })

  it('reads only the list when every record with the title and store spells the slug', async () => {
    const { session: s, sent } = session(() => [200, list(record({ integration: 'amplitude' }))])
    const { records, catalog } = await s.project([wanted])
    expect(sent()).toEqual(['/integrations'])
    expect(records.map((r) => r.id)).toEqual(['gNl6hyM6'])
    expect(catalog).toBe(SNAPSHOT_CATALOG)
  })

  it('reads the catalog once when a provider needs telling apart, however often it is asked for', async () => {
    const { session: s, sent } = session((x) =>
      x.path === '/integrations' ? [200, list(record({ integration: 'Amplitude Analytics' }))] : [200, META]
    )
    const { catalog } = await s.project([wanted])
    await s.catalog()
    await s.over(s.api).catalog()
    expect(sent()).toEqual(['/integrations', '/integrations/meta'])
    expect(catalog).toEqual({ entries: [{ slug: 'amplitude', title: 'Amplitude' }], live: true })
  })

  it('reads the catalog for every provider when asked to (the manifest)', async () => {
    const { session: s, sent } = session((x) => (x.path === '/integrations' ? [200, list()] : [200, META]))
    await s.project([wanted], true)
    expect(sent()).toEqual(['/integrations', '/integrations/meta'])
  })
})

describe('a catalog that cannot be read', () => {
  it('lenient: falls back to the documented slugs on any failure, with a warning', async () => {
    const { session: s, log } = session(() => [401, {}])
    expect(await s.catalog()).toBe(SNAPSHOT_CATALOG)
    expect(log.warning).toEqual([
      expect.stringMatching(
        /^Providers could not be checked: the provider catalog \(GET \/integrations\/meta\)/
      )
    ])
  })

  it('strict: fails on a refusal, as the real run’s create would', async () => {
    const { session: s } = session(() => [401, {}], 'strict')
    await expect(s.catalog()).rejects.toThrow(ApiError)
  })

  it('strict: still falls back when the body is not a catalog', async () => {
    const { session: s, log } = session(() => [200, { not: 'a catalog' }], 'strict')
    expect(await s.catalog()).toBe(SNAPSHOT_CATALOG)
    expect(log.warning).toHaveLength(1)
  })
})

describe('apiConnection', () => {
  const connection = { apiUrl: 'https://api.test/v4', secretKey: 'sk_x', maxAttempts: 2, timeoutMs: 500 }
  const silent = keptLog()

  it('puts the GET-only guard under the client in read-only mode: a write never reaches the transport', async () => {
    const reached: string[] = []
    const api = apiConnection(
      connection,
      {
        transport: (request) => {
          reached.push(request.method)
          return Promise.resolve({ status: 200, headers: { get: () => null }, body: JSON.stringify(list()) })
        }
      },
      silent,
      { readOnly: true }
    )
    const s = new ApiSession(api, silent)
    await s.list()
    await expect(s.setStatus('X', 1)).rejects.toThrow()
    expect(reached).toEqual(['GET'])
  })

  it('takes the connection’s limits and the injected clock', async () => {
    const sleeps: number[] = []
    const api = apiConnection(
      connection,
      {
        sleep: (ms) => {
          sleeps.push(ms)
          return Promise.resolve()
        },
        random: () => 0,
        now: () => 42,
        transport: () => Promise.reject(new Error('down'))
      },
      silent,
      { readOnly: false }
    )
    expect(api.policy).toMatchObject({ maxAttempts: 2, timeoutMs: 500 })
    expect(api.policy.now()).toBe(42)
    await expect(new ApiSession(api, silent).list()).rejects.toThrow(NetworkError)
    expect(sleeps).toHaveLength(1)
  })
})
