// The API client, one endpoint at a time over a scripted transport: the request each function sends, what it reads
// from the answer, and the attempts it reports — also on failure.
import { describe, expect, it } from '@jest/globals'
import { ApiError, NetworkError, UnexpectedResponseError } from '../../src/domain/errors.js'
import {
  createIntegration,
  getCatalog,
  listIntegrations,
  setIntegrationStatus
} from '../../src/qonversion/client.js'
import { TransportFailure } from '../../src/net/retry.js'
import { USER_AGENT } from '../../src/version.js'
import { KEY, scriptedApi } from '../../__fixtures__/api.js'
import { list, record } from '../../__fixtures__/records.js'

const BODY = { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' }

describe('createIntegration', () => {
  it('POSTs the body with the key, the idempotency key and JSON headers, and returns the record', async () => {
    const { api, sent } = scriptedApi(() => [201, record()])
    const answer = await createIntegration(api, BODY, 'qia-key-1')
    expect(sent).toEqual([
      {
        method: 'POST',
        path: '/integrations',
        headers: {
          Authorization: `Bearer ${KEY}`,
          Accept: 'application/json',
          'User-Agent': USER_AGENT,
          'Content-Type': 'application/json',
          'Idempotency-Key': 'qia-key-1'
        },
        body: BODY
      }
    ])
    expect(answer).toEqual({ value: record(), attempts: 1 })
  })

  it('sends the same idempotency key again on a retry and counts both attempts', async () => {
    const { api, sent, sleeps } = scriptedApi(() => (sent.length === 1 ? [503, {}] : [201, record()]))
    const answer = await createIntegration(api, BODY, 'qia-key-2')
    expect(sent.map((s) => s.headers['Idempotency-Key'])).toEqual(['qia-key-2', 'qia-key-2'])
    expect(sleeps).toHaveLength(1)
    expect(answer.attempts).toBe(2)
  })

  it('turns a refusal into an ApiError with its status and the attempts spent', async () => {
    const { api } = scriptedApi(() => [
      422,
      { error: { type: 'request', code: 'validation', message: 'Invalid', details: [] } }
    ])
    const error = await createIntegration(api, BODY, 'k').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(422)
    expect((error as ApiError).attempts).toBe(1)
    expect((error as ApiError).message).toMatch(/^Creating the integration failed: HTTP 422/)
  })

  it('refuses a 2xx that is not a record, quoting the body and counting the attempt', async () => {
    const { api } = scriptedApi(() => [200, { hello: 'world' }])
    const error = await createIntegration(api, BODY, 'k').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as UnexpectedResponseError).message).toContain(
      'Creating the integration: the API answered HTTP 200 but the body is not the expected record (“{"hello":"world"}”)'
    )
    expect((error as UnexpectedResponseError).attempts).toBe(1)
  })
})

describe('setIntegrationStatus', () => {
  it('POSTs the status to the record’s own path, its id encoded, with no idempotency key', async () => {
    const { api, sent } = scriptedApi(() => [200, record({ id: 'a.b', active: 1 })])
    const answer = await setIntegrationStatus(api, 'a.b', 1)
    expect(sent.map((s) => [s.method, s.path, s.body])).toEqual([
      ['POST', '/integrations/a.b/status', { status: 1 }]
    ])
    expect(sent[0].headers['Idempotency-Key']).toBeUndefined()
    expect(answer.value.active).toBe(1)
  })
})

describe('listIntegrations', () => {
  it('GETs the list without a body and reads every record', async () => {
    const { api, sent } = scriptedApi(() => [200, list(record({ id: 'A' }), record({ id: 'B' }))])
    const answer = await listIntegrations(api)
    expect(sent.map((s) => [s.method, s.path, s.body, s.headers['Content-Type']])).toEqual([
      ['GET', '/integrations', undefined, undefined]
    ])
    expect(answer.value.map((r) => r.id)).toEqual(['A', 'B'])
  })
})

describe('getCatalog', () => {
  it('reads the catalog’s entries with their titles and stores', async () => {
    const meta = {
      object: 'list',
      data: [
        {
          category: 'analytics',
          title: 'Analytics',
          integrations: [{ slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS', 'Android'] }]
        }
      ]
    }
    const { api, sent } = scriptedApi(() => [200, meta])
    const answer = await getCatalog(api)
    expect(sent.map((s) => s.path)).toEqual(['/integrations/meta'])
    expect(answer.value).toEqual([
      { slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS', 'Android'] }
    ])
  })

  it('takes a catalog without a single entry as an unexpected answer', async () => {
    const { api } = scriptedApi(() => [200, { object: 'list', data: [] }])
    await expect(getCatalog(api)).rejects.toThrow(UnexpectedResponseError)
  })
})

describe('a request that gets no answer', () => {
  const unreachable = () => Promise.reject(new TransportFailure('connect ECONNREFUSED', true))

  it('a create says re-running is safe because the same idempotency key is sent', async () => {
    const { api } = scriptedApi(unreachable, 1)
    const error = await createIntegration(api, BODY, 'k').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(
      /Re-running is safe: every attempt, .* sends the same idempotency key\.$/
    )
  })

  it('a read says re-running is safe because it only reads, not because of a key it never sent', async () => {
    const { api } = scriptedApi(unreachable, 1)
    const error = await getCatalog(api).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(/Re-running is safe: this request only reads\.$/)
    expect((error as Error).message).not.toContain('idempotency')
  })
})

describe('a server-side failure', () => {
  it('of a read says re-running is safe because it only reads; of a create, because the key is sent again', async () => {
    const { api } = scriptedApi(() => [503, {}], 1)
    const read = (await listIntegrations(api).catch((e: unknown) => e)) as ApiError
    expect(read.message).toContain('re-running the workflow is safe — this request only reads.')
    const write = (await createIntegration(api, BODY, 'k').catch((e: unknown) => e)) as ApiError
    expect(write.message).toContain('the same idempotency key is sent, so no duplicate is made.')
  })
})

describe('an answer that is not JSON', () => {
  it('is an unexpected response that keeps the parse error as its cause', async () => {
    const { api } = scriptedApi(() => ({
      status: 200,
      headers: { get: () => 'text/html' },
      body: '<html>captive portal</html>'
    }))
    const error = (await listIntegrations(api).catch((e: unknown) => e)) as UnexpectedResponseError
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect(error.message).toContain('the body is not valid JSON')
    expect(error.cause).toBeInstanceOf(SyntaxError)
  })
})
