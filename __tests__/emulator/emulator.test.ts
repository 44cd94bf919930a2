// Pins the emulator's behaviour, since end-to-end tests of the action trust it to act like Qonversion v4.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { start, type Emulator } from '../../emulator/server.js'
import { CATALOG, STORES } from '../../emulator/catalog.js'

const SANDBOX = 'test_sk_emulator'
const PRODUCTION = 'sk_emulator'
const ID = /^[A-Za-z0-9]{8}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const RECORD_KEYS = [
  'object',
  'id',
  'url',
  'title',
  'integration',
  'target_platform',
  'active',
  'created_at',
  'updated_at',
  'last_delivery_at',
  'last_error_at',
  'last_error_message',
  'delivery_error_count'
]

interface Rec {
  object: string
  id: string
  url: string
  title: string
  integration: string
  target_platform: string
  active: number
  created_at: string
  updated_at: string
  last_delivery_at: string | null
  last_error_at: string | null
  last_error_message: string | null
  delivery_error_count: number
  deleted?: boolean
  env?: string
  slug?: string
}
interface Res {
  status: number
  headers: Headers
  text: string
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}
interface CallOptions {
  key?: string | null
  body?: unknown
  raw?: string
  headers?: Record<string, string>
}

let emu: Emulator

beforeAll(async () => {
  emu = await start({ port: 0 })
})
afterAll(async () => {
  await emu.close()
})
beforeEach(() => {
  emu.reset()
})

async function call(method: string, path: string, options: CallOptions = {}, base = emu.url): Promise<Res> {
  const { key = SANDBOX, body, raw, headers = {} } = options
  const sendsBody = body !== undefined || raw !== undefined
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(sendsBody ? { 'content-type': 'application/json' } : {}),
      ...headers
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body))
  })
  const text = await res.text()
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    // Fault kinds answer with HTML or broken JSON on purpose; `text` keeps what came back.
  }
  return { status: res.status, headers: res.headers, text, json }
}

const amplitude = { title: 'Prod analytics', integration: 'amplitude', target_platform: 'iOS' }

function create(body: unknown = amplitude, options: CallOptions = {}) {
  return call('POST', '/v4/integrations', { ...options, body })
}

async function createId(body: unknown = amplitude, options: CallOptions = {}): Promise<string> {
  const res = await create(body, options)
  expect(res.status).toBe(201)
  return (res.json as Rec).id
}

/** node:http, because fetch hides how a connection ended; resolves with the error code when it is dropped. */
function rawPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status?: number; error?: string }>((resolve) => {
    const payload = JSON.stringify(body)
    const req = httpRequest(
      emu.url + path,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${SANDBOX}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
          ...headers
        }
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode }))
      }
    )
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    req.end(payload)
  })
}

function expectError(res: Res, status: number, type: string, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.json.error).toMatchObject({ type, code, message: expect.any(String) })
}

describe('auth', () => {
  it('refuses a missing Authorization header with the v4 envelope', async () => {
    const res = await call('GET', '/v4/integrations', { key: null })
    expectError(res, 401, 'request', 'control_unauthorized')
    expect(res.json.error.details).toBeUndefined()
  })

  it('refuses an unknown key, such as a v3 project key', async () => {
    expectError(
      await call('GET', '/v4/integrations', { key: 'pk_project_key' }),
      401,
      'request',
      'control_unauthorized'
    )
    const basic = await call('GET', '/v4/integrations', {
      key: null,
      headers: { authorization: 'Basic abc' }
    })
    expectError(basic, 401, 'request', 'control_unauthorized')
  })

  it('checks the key before validating the body', async () => {
    const res = await create({}, { key: 'sk_wrong' })
    expectError(res, 401, 'request', 'control_unauthorized')
    expect(emu.records()).toHaveLength(0)
  })

  it('accepts both default keys, with a case-insensitive scheme', async () => {
    expect((await call('GET', '/v4/integrations', { key: PRODUCTION })).status).toBe(200)
    const lower = await call('GET', '/v4/integrations', {
      key: null,
      headers: { authorization: `bearer ${SANDBOX}` }
    })
    expect(lower.status).toBe(200)
  })
})

describe('environments', () => {
  it('keeps sandbox and production data apart', async () => {
    const sandboxId = await createId()
    const productionId = await createId({ ...amplitude, title: 'Live' }, { key: PRODUCTION })

    const sandboxList = await call('GET', '/v4/integrations')
    expect((sandboxList.json.data as Rec[]).map((r) => r.id)).toEqual([sandboxId])
    const productionList = await call('GET', '/v4/integrations', { key: PRODUCTION })
    expect((productionList.json.data as Rec[]).map((r) => r.id)).toEqual([productionId])

    const crossStatus = await call('POST', `/v4/integrations/${sandboxId}/status`, {
      key: PRODUCTION,
      body: { status: 1 }
    })
    expectError(crossStatus, 404, 'resource', 'resource_not_found')
    const crossDelete = await call('DELETE', `/v4/integrations/${productionId}`)
    expectError(crossDelete, 404, 'resource', 'resource_not_found')

    expect(emu.records('sandbox').map((r) => r.id)).toEqual([sandboxId])
    expect(emu.records('production').map((r) => r.id)).toEqual([productionId])
    expect(emu.records()).toHaveLength(2)
  })
})

describe('POST /v4/integrations', () => {
  it('creates one record in the documented shape', async () => {
    const before = Date.now()
    const res = await create()
    expect(res.status).toBe(201)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const rec = res.json as Rec
    expect(Object.keys(rec)).toEqual(RECORD_KEYS)
    expect(rec).toEqual({
      object: 'integration',
      id: expect.stringMatching(ID),
      url: `/v4/integrations/${rec.id}`,
      title: 'Prod analytics',
      integration: 'Amplitude',
      target_platform: 'iOS',
      active: 0,
      created_at: expect.stringMatching(ISO),
      updated_at: rec.created_at,
      last_delivery_at: null,
      last_error_at: null,
      last_error_message: null,
      delivery_error_count: 0
    })
    expect(Date.parse(rec.created_at)).toBeGreaterThanOrEqual(before - 1)
    expect(emu.records()).toEqual([{ ...rec, env: 'sandbox', slug: 'amplitude', deleted: false }])
  })

  it('gives every record a new id', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => createId()))
    expect(new Set(ids).size).toBe(20)
  })

  it('accepts titles of 1 and 255 characters', async () => {
    expect((await create({ ...amplitude, title: 'x' })).status).toBe(201)
    expect((await create({ ...amplitude, title: 'é'.repeat(255) })).status).toBe(201)
  })

  it('lists every violated field at once', async () => {
    const res = await create({})
    expectError(res, 422, 'request', 'invalid_data')
    expect(res.json.error.details).toEqual([
      { field: 'title', message: 'is required' },
      { field: 'integration', message: 'is required' },
      { field: 'target_platform', message: 'is required' }
    ])
  })

  it.each([
    ['title', { title: '' }, 'must be 1-255 characters long (got 0)'],
    ['title', { title: 'x'.repeat(256) }, 'must be 1-255 characters long (got 256)'],
    ['title', { title: 42 }, 'must be a string'],
    [
      'integration',
      { integration: 'nope' },
      'unknown integration "nope"; GET /v4/integrations/meta lists the available slugs'
    ],
    [
      'integration',
      { integration: 'Amplitude' },
      'unknown integration "Amplitude"; did you mean "amplitude"?'
    ],
    ['integration', { integration: ['amplitude'] }, 'must be a string'],
    [
      'target_platform',
      { target_platform: 'ios' },
      'must be exactly one of iOS, Android, Stripe (case-sensitive)'
    ],
    [
      'target_platform',
      { target_platform: 'ANDROID' },
      'must be exactly one of iOS, Android, Stripe (case-sensitive)'
    ],
    ['target_platform', { target_platform: 1 }, 'must be a string'],
    [
      'target_platform',
      { integration: 'searchads', target_platform: 'Android' },
      'Apple Search Ads does not support Android (allowed: iOS)'
    ],
    [
      'target_platform',
      { integration: 'adjust', target_platform: 'Stripe' },
      'Adjust does not support Stripe (allowed: iOS, Android)'
    ],
    ['api_key', { api_key: 'secret' }, 'unknown field']
  ])('refuses a bad %s: %j', async (field, change, message) => {
    const res = await create({ ...amplitude, ...change })
    expectError(res, 422, 'request', 'invalid_data')
    expect(res.json.error.message).toBe(`Invalid request data: ${field}`)
    expect(res.json.error.details).toEqual([{ field, message }])
    expect(emu.records()).toHaveLength(0)
  })

  it('refuses a body that is not JSON, or not an object', async () => {
    const broken = await call('POST', '/v4/integrations', { raw: '{"title":' })
    expectError(broken, 400, 'request', 'invalid_request')
    expect(broken.json.error.message).toBe('Request body is not valid JSON')
    const array = await call('POST', '/v4/integrations', { body: [amplitude] })
    expectError(array, 400, 'request', 'invalid_request')
    expect(array.json.error.message).toBe('Request body must be a JSON object')
  })

  it('refuses a body over 1 MiB', async () => {
    const res = await create({ ...amplitude, title: 'x'.repeat(1024 * 1024) })
    expectError(res, 413, 'request', 'payload_too_large')
    expect(emu.records()).toHaveLength(0)
  })

  it('requires a JSON Content-Type', async () => {
    const res = await call('POST', '/v4/integrations', {
      raw: JSON.stringify(amplitude),
      headers: { 'content-type': 'text/plain' }
    })
    expectError(res, 415, 'request', 'unsupported_media_type')
    const withCharset = await call('POST', '/v4/integrations', {
      body: amplitude,
      headers: { 'content-type': 'application/json; charset=utf-8' }
    })
    expect(withCharset.status).toBe(201)
  })
})

describe('idempotency', () => {
  it('replays the first answer for the same key and body, key order aside', async () => {
    const first = await create(amplitude, { headers: { 'idempotency-key': 'step-1' } })
    const reordered = { target_platform: 'iOS', integration: 'amplitude', title: 'Prod analytics' }
    const second = await create(reordered, { headers: { 'idempotency-key': 'step-1' } })
    expect(first.status).toBe(201)
    expect(second.status).toBe(first.status)
    expect(second.text).toBe(first.text)
    expect(emu.records()).toHaveLength(1)
  })

  it('refuses the same key with a different body', async () => {
    await create(amplitude, { headers: { 'idempotency-key': 'step-1' } })
    const res = await create({ ...amplitude, title: 'Other' }, { headers: { 'idempotency-key': 'step-1' } })
    expectError(res, 422, 'request', 'idempotency_key_reused')
    expect(res.json.error.message).toBe(
      'Idempotency-Key "step-1" was already used with a different request body'
    )
    expect(emu.records()).toHaveLength(1)
  })

  it('does not remember error answers', async () => {
    const bad = await create(
      { ...amplitude, target_platform: 'ios' },
      { headers: { 'idempotency-key': 'k' } }
    )
    expect(bad.status).toBe(422)
    const good = await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    expect(good.status).toBe(201)
    expect(emu.records()).toHaveLength(1)
  })

  it('scopes keys per environment', async () => {
    const sandbox = await createId(amplitude, { headers: { 'idempotency-key': 'shared' } })
    const production = await createId(amplitude, {
      key: PRODUCTION,
      headers: { 'idempotency-key': 'shared' }
    })
    expect(production).not.toBe(sandbox)
    expect(emu.records()).toHaveLength(2)
  })

  it('creates a new record for every request without a key', async () => {
    await createId()
    await createId()
    expect(emu.records()).toHaveLength(2)
  })

  it('still replays after the record was deleted', async () => {
    const first = await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    await call('DELETE', `/v4/integrations/${(first.json as Rec).id}`)
    const again = await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    expect(again.text).toBe(first.text)
    expect(emu.records()).toHaveLength(1)
  })

  it('refuses an empty or over-long key', async () => {
    for (const key of ['', 'k'.repeat(256)]) {
      const res = await create(amplitude, { headers: { 'idempotency-key': key } })
      expectError(res, 400, 'request', 'invalid_request')
      expect(res.json.error.message).toBe('Idempotency-Key must be 1-255 printable ASCII characters')
    }
    expect((await create(amplitude, { headers: { 'idempotency-key': 'k'.repeat(255) } })).status).toBe(201)
  })
})

describe('GET /v4/integrations', () => {
  it('lists live records in creation order', async () => {
    const a = await createId({ ...amplitude, title: 'a' })
    const b = await createId({ ...amplitude, title: 'b' })
    const c = await createId({ ...amplitude, title: 'c' })
    await call('DELETE', `/v4/integrations/${b}`)
    const res = await call('GET', '/v4/integrations')
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ object: 'list', has_more: false })
    expect(Object.keys(res.json as object)).toEqual(['object', 'data', 'has_more'])
    expect((res.json.data as Rec[]).map((r) => r.id)).toEqual([a, c])
    expect(Object.keys((res.json.data as Rec[])[0])).toEqual(RECORD_KEYS)
  })

  it('answers an empty list for a fresh environment', async () => {
    const res = await call('GET', '/v4/integrations', { key: PRODUCTION })
    expect(res.json).toEqual({ object: 'list', data: [], has_more: false })
  })
})

describe('GET /v4/integrations/meta', () => {
  it('serves the documented 25 slugs in 4 categories', async () => {
    const res = await call('GET', '/v4/integrations/meta')
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ object: 'list', data: CATALOG })
    const groups = CATALOG.map((g) => [g.category, g.integrations.map((p) => p.slug)])
    expect(groups).toEqual([
      ['analytics', ['amplitude', 'appmetrica', 'facebook', 'firebase', 'mixpanel', 'posthog', 'segment']],
      [
        'attribution',
        [
          'searchads',
          'adjust',
          'appsflyer',
          'branch',
          'kochava',
          'singular',
          'split_metrics',
          'asapty',
          'tenjin'
        ]
      ],
      ['server', ['amazon_s3', 'google_cloud_storage', 'slack', 'webhooks']],
      ['messaging', ['braze', 'clevertap', 'mailchimp', 'onesignal', 'pushwoosh']]
    ])
  })

  it('uses plausible store sets', () => {
    const providers = new Map(CATALOG.flatMap((g) => g.integrations).map((p) => [p.slug, p]))
    expect(providers.size).toBe(25)
    expect(providers.get('searchads')).toEqual({
      slug: 'searchads',
      title: 'Apple Search Ads',
      allowedStores: ['iOS']
    })
    expect(providers.get('asapty')!.allowedStores).toEqual(['iOS'])
    for (const slug of ['amazon_s3', 'google_cloud_storage', 'slack', 'webhooks'])
      expect(providers.get(slug)!.allowedStores).toEqual([...STORES])
    for (const slug of ['adjust', 'appsflyer', 'branch', 'kochava', 'singular', 'split_metrics', 'tenjin'])
      expect(providers.get(slug)!.allowedStores).toEqual(['iOS', 'Android'])
    expect(providers.get('amplitude')!.allowedStores).toEqual(['iOS', 'Android', 'Stripe'])
  })

  it('accepts a create for every provider and store it advertises', async () => {
    for (const provider of CATALOG.flatMap((g) => g.integrations)) {
      for (const store of provider.allowedStores) {
        const res = await create({ title: provider.slug, integration: provider.slug, target_platform: store })
        expect(res.status).toBe(201)
        expect((res.json as Rec).integration).toBe(provider.title)
      }
    }
  })
})

describe('POST /v4/integrations/{id}/status', () => {
  it('activates and pauses, bumping updated_at', async () => {
    const created = (await create()).json as Rec
    const on = await call('POST', `/v4/integrations/${created.id}/status`, { body: { status: 1 } })
    expect(on.status).toBe(200)
    expect(Object.keys(on.json as object)).toEqual(RECORD_KEYS)
    expect(on.json).toMatchObject({ id: created.id, active: 1, created_at: created.created_at })
    expect(Date.parse((on.json as Rec).updated_at)).toBeGreaterThan(Date.parse(created.updated_at))

    const off = await call('POST', `/v4/integrations/${created.id}/status`, { body: { status: 0 } })
    expect(off.json).toMatchObject({ id: created.id, active: 0 })
    expect(Date.parse((off.json as Rec).updated_at)).toBeGreaterThan(Date.parse((on.json as Rec).updated_at))
    expect(emu.records()[0].active).toBe(0)
  })

  it.each([
    [{ status: 2 }, 'must be the integer 0 or 1'],
    [{ status: '1' }, 'must be the integer 0 or 1'],
    [{ status: true }, 'must be the integer 0 or 1'],
    [{}, 'is required']
  ])('refuses %j', async (body, message) => {
    const id = await createId()
    const res = await call('POST', `/v4/integrations/${id}/status`, { body })
    expectError(res, 422, 'request', 'invalid_data')
    expect(res.json.error.details).toEqual([{ field: 'status', message }])
    expect(emu.records()[0].active).toBe(0)
  })

  it('refuses extra fields', async () => {
    const id = await createId()
    const res = await call('POST', `/v4/integrations/${id}/status`, { body: { status: 1, active: 1 } })
    expect(res.json.error.details).toEqual([{ field: 'active', message: 'unknown field' }])
  })

  it('answers 404 for unknown, malformed and over-long ids', async () => {
    for (const id of ['AAAAAAAA', 'bad%20id', 'a'.repeat(257)]) {
      const res = await call('POST', `/v4/integrations/${id}/status`, { body: { status: 1 } })
      expectError(res, 404, 'resource', 'resource_not_found')
    }
    const res = await call('POST', '/v4/integrations/AAAAAAAA/status', { body: { status: 1 } })
    expect(res.json.error.message).toBe('Integration "AAAAAAAA" not found')
  })

  it('requires JSON', async () => {
    const id = await createId()
    const res = await call('POST', `/v4/integrations/${id}/status`, { raw: 'status=1' })
    expectError(res, 400, 'request', 'invalid_request')
  })
})

describe('DELETE /v4/integrations/{id}', () => {
  it('soft-deletes: answered with the record, then hidden and 404 everywhere', async () => {
    const id = await createId()
    const res = await call('DELETE', `/v4/integrations/${id}`)
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ object: 'integration', id, deleted: true })
    expect((await call('GET', '/v4/integrations')).json.data).toEqual([])
    const status = await call('POST', `/v4/integrations/${id}/status`, { body: { status: 1 } })
    expectError(status, 404, 'resource', 'resource_not_found')
    expectError(await call('DELETE', `/v4/integrations/${id}`), 404, 'resource', 'resource_not_found')
    expect(emu.records()).toMatchObject([{ id, deleted: true }])
    expect(await createId()).not.toBe(id)
  })
})

describe('routing', () => {
  it('answers unknown routes with a 404 envelope', async () => {
    for (const path of ['/v4/users', '/v3/integrations', '/', '/v4/integrations/x/y', '/v4/integrations/']) {
      expectError(await call('GET', path), 404, 'request', 'route_not_found')
    }
  })

  it('answers wrong methods with a 405 envelope and Allow', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/v4/integrations', 'GET, POST'],
      ['DELETE', '/v4/integrations/meta', 'GET'],
      ['GET', '/v4/integrations/abc', 'DELETE'],
      ['GET', '/v4/integrations/abc/status', 'POST']
    ]
    for (const [method, path, allow] of cases) {
      const res = await call(method, path)
      expectError(res, 405, 'request', 'method_not_allowed')
      expect(res.headers.get('allow')).toBe(allow)
    }
  })

  it('ignores the query string', async () => {
    expect((await call('GET', '/v4/integrations?limit=5')).status).toBe(200)
  })
})

describe('faults', () => {
  it('rate-limit: 429 with Retry-After seconds, then normal service', async () => {
    emu.inject({ match: { method: 'POST', path: '/v4/integrations' }, kind: 'rate-limit', retryAfter: 3 })
    const limited = await create()
    expectError(limited, 429, 'request', 'rate_limit_exceeded')
    expect(limited.headers.get('retry-after')).toBe('3')
    expect(emu.records()).toHaveLength(0)
    expect((await create()).status).toBe(201)
  })

  it('server-error: the chosen 5xx with an internal envelope', async () => {
    emu.inject({ kind: 'server-error' })
    emu.inject({ kind: 'server-error', status: 503 })
    expectError(await create(), 500, 'internal', 'internal_error')
    expectError(await create(), 503, 'internal', 'internal_error')
    expect(emu.records()).toHaveLength(0)
  })

  it('html-502: an nginx page instead of JSON', async () => {
    emu.inject({ kind: 'html-502' })
    const res = await create()
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('text/html')
    expect(res.text).toContain('<title>502 Bad Gateway</title>')
    expect(res.json).toBeUndefined()
    expect(emu.records()).toHaveLength(0)
  })

  it('malformed-json: broken JSON with a JSON Content-Type, request not handled', async () => {
    emu.inject({ kind: 'malformed-json' })
    const res = await create()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(() => JSON.parse(res.text) as unknown).toThrow()
    expect(emu.records()).toHaveLength(0)
  })

  it('drop-before: the connection closes and nothing is stored', async () => {
    emu.inject({ kind: 'drop-before', match: { path: '/v4/integrations' } })
    const res = await rawPost('/v4/integrations', amplitude, { 'idempotency-key': 'k' })
    expect(res.status).toBeUndefined()
    expect(res.error).toMatch(/ECONNRESET|socket hang up/)
    expect(emu.records()).toHaveLength(0)
    const retry = await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    expect(retry.status).toBe(201)
    expect(emu.records()).toHaveLength(1)
  })

  it('drop-after: the record is stored, and a retry with the same key replays it', async () => {
    emu.inject({ kind: 'drop-after', match: { method: 'POST', path: '/v4/*' } })
    const res = await rawPost('/v4/integrations', amplitude, { 'idempotency-key': 'k' })
    expect(res.error).toMatch(/ECONNRESET|socket hang up/)
    const [stored] = emu.records()
    expect(stored).toMatchObject({ title: 'Prod analytics', deleted: false })
    const retry = await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    expect(retry.status).toBe(201)
    expect((retry.json as Rec).id).toBe(stored.id)
    expect(emu.records()).toHaveLength(1)
  })

  it('delay: answers late but normally', async () => {
    emu.inject({ kind: 'delay', delayMs: 300 })
    const began = Date.now()
    const res = await create()
    expect(Date.now() - began).toBeGreaterThanOrEqual(290)
    expect(res.status).toBe(201)
  })

  it('delay: still stores the record after the client gave up', async () => {
    emu.inject({ kind: 'delay', delayMs: 200 })
    const aborted = fetch(`${emu.apiUrl}/integrations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SANDBOX}`,
        'content-type': 'application/json',
        'idempotency-key': 'k'
      },
      body: JSON.stringify(amplitude),
      signal: AbortSignal.timeout(50)
    })
    await expect(aborted).rejects.toThrow()
    expect(emu.records()).toHaveLength(0)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(emu.records()).toHaveLength(1)
    expect(emu.requests()[0]).toMatchObject({ status: 201, fault: 'delay' })
  })

  it('a retry racing a delayed request still makes one record', async () => {
    emu.inject({ kind: 'delay', delayMs: 200 })
    const slow = create(amplitude, { headers: { 'idempotency-key': 'k' } })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const fast = await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    expect((await slow).text).toBe(fast.text)
    expect(emu.records()).toHaveLength(1)
  })

  it('applies to the next `count` matching requests, oldest fault first', async () => {
    emu.inject({ kind: 'server-error', status: 502, count: 2, match: { method: 'POST' } })
    emu.inject({ kind: 'server-error', status: 503 })
    expect((await call('GET', '/v4/integrations')).status).toBe(503)
    expect((await create()).status).toBe(502)
    expect((await create()).status).toBe(502)
    expect((await create()).status).toBe(201)
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
  })

  it('matches a path prefix, and leaves others alone', async () => {
    emu.inject({ kind: 'server-error', match: { path: '/v4/integrations/*' } })
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
    expect((await call('GET', '/v4/integrations/meta')).status).toBe(500)
  })

  it('hits requests the key would refuse too, as a proxy would', async () => {
    emu.inject({ kind: 'rate-limit' })
    expect((await call('GET', '/v4/integrations', { key: 'sk_wrong' })).status).toBe(429)
  })

  it('refuses a mistyped fault', async () => {
    expect(() => emu.inject({ kind: 'explode' as never })).toThrow(/kind must be one of/)
    expect(() => emu.inject({ kind: 'delay', delay: 5 } as never)).toThrow(/unknown option "delay"/)
    expect(() => emu.inject({ kind: 'server-error', status: 404 })).toThrow(/between 500 and 599/)
    expect(() => emu.inject({ kind: 'rate-limit', count: 0 })).toThrow(/count/)
    expect(() => emu.inject({ kind: 'html-502', status: 503 })).toThrow(/status is not used by html-502/)
    expect(() => emu.inject({ kind: 'rate-limit', retryAfter: 0.5 })).toThrow(/whole number of seconds/)
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
  })
})

describe('request log', () => {
  it('records each API request and its outcome', async () => {
    emu.inject({ kind: 'drop-before', match: { method: 'GET' } })
    const before = Date.now()
    await create(amplitude, { headers: { 'idempotency-key': 'K-1', 'X-Trace': 'abc' } })
    await call('POST', '/v4/integrations', { raw: 'not json' })
    await expect(
      fetch(`${emu.apiUrl}/integrations`, { headers: { authorization: `Bearer ${SANDBOX}` } })
    ).rejects.toThrow()
    await call('GET', '/__emulator/records', { key: null })

    const log = emu.requests()
    expect(log).toHaveLength(3)
    expect(log[0]).toEqual({
      method: 'POST',
      path: '/v4/integrations',
      headers: expect.objectContaining({
        authorization: `Bearer ${SANDBOX}`,
        'idempotency-key': 'K-1',
        'x-trace': 'abc',
        'content-type': 'application/json'
      }),
      body: amplitude,
      status: 201,
      fault: null,
      at: expect.stringMatching(ISO),
      answeredAt: expect.stringMatching(ISO),
      retryAfter: null
    })
    expect(Date.parse(log[0].at)).toBeGreaterThanOrEqual(before - 1)
    expect(Date.parse(log[0].answeredAt!)).toBeGreaterThanOrEqual(Date.parse(log[0].at))
    expect(log[1]).toMatchObject({ body: 'not json', status: 400, fault: null })
    expect(log[2]).toMatchObject({
      method: 'GET',
      body: null,
      status: null,
      fault: 'drop-before',
      answeredAt: null
    })
  })

  it('hands out copies', async () => {
    await create()
    emu.requests()[0].status = 999
    expect(emu.requests()[0].status).toBe(201)
  })
})

describe('seed', () => {
  it('inserts a record the API then serves, such as one in error state', async () => {
    const seeded = emu.seed({
      title: 'Broken',
      integration: 'appsflyer',
      target_platform: 'Android',
      active: 2,
      last_error_at: '2024-05-01T10:00:00.000Z',
      last_error_message: 'Invalid dev key',
      delivery_error_count: 3
    })
    expect(seeded).toMatchObject({
      object: 'integration',
      id: expect.stringMatching(ID),
      integration: 'AppsFlyer',
      slug: 'appsflyer',
      env: 'sandbox',
      active: 2,
      deleted: false
    })
    const list = await call('GET', '/v4/integrations')
    expect(list.json.data).toEqual([
      expect.objectContaining({
        id: seeded.id,
        active: 2,
        last_error_message: 'Invalid dev key',
        last_error_at: '2024-05-01T10:00:00.000Z',
        delivery_error_count: 3
      })
    ])
    const fixed = await call('POST', `/v4/integrations/${seeded.id}/status`, { body: { status: 1 } })
    expect(fixed.json.active).toBe(1)
  })

  it('seeds production', async () => {
    const seeded = emu.seed({
      env: 'production',
      title: 't',
      integration: 'slack',
      target_platform: 'Stripe'
    })
    expect((await call('GET', '/v4/integrations', { key: PRODUCTION })).json.data[0].id).toBe(seeded.id)
    expect((await call('GET', '/v4/integrations')).json.data).toEqual([])
  })

  it('refuses a seed the API could not have produced', () => {
    expect(() => emu.seed({ title: 't', integration: 'nope', target_platform: 'iOS' })).toThrow(
      'invalid seed: integration must be a provider slug from the catalog'
    )
    expect(() =>
      emu.seed({ title: 't', integration: 'slack', target_platform: 'ios' as never, active: 3 as never })
    ).toThrow(/target_platform .*; active must be 0, 1 or 2/)
    expect(emu.records()).toEqual([])
  })
})

describe('scale: many records, latency, rate limit', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const everyStore = CATALOG.flatMap((g) => g.integrations).filter((p) => p.allowedStores.length === 3)

  it('seeds a list in one call and lists dozens of records in order', async () => {
    const entries = everyStore.flatMap((p) =>
      STORES.map((store) => ({
        title: `${p.title} — ${store}`,
        integration: p.slug,
        target_platform: store,
        active: 1 as const
      }))
    )
    expect(entries.length).toBeGreaterThanOrEqual(36)
    expect(emu.seed(entries)).toHaveLength(entries.length)
    const list = await call('GET', '/v4/integrations')
    expect((list.json.data as Rec[]).map((r) => [r.title, r.target_platform])).toEqual(
      entries.map((e) => [e.title, e.target_platform])
    )
    expect(new Set((list.json.data as Rec[]).map((r) => r.id)).size).toBe(entries.length)
    expect(emu.seed([{ title: 'x', integration: 'slack', target_platform: 'iOS' }])).toMatchObject([
      { title: 'x', slug: 'slack' }
    ])
  })

  it('refuses a whole list when one entry is bad, naming the entry', () => {
    let error: unknown
    try {
      emu.seed([
        { title: 'ok', integration: 'slack', target_platform: 'iOS' },
        { title: 'bad', integration: 'nope', target_platform: 'ios' as never }
      ])
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(/^invalid seed: \[1\]\.integration must be a provider slug/)
    expect((error as { details: unknown }).details).toEqual([
      { field: '[1].integration', message: 'must be a provider slug from the catalog' },
      {
        field: '[1].target_platform',
        message: 'must be exactly one of iOS, Android, Stripe (case-sensitive)'
      }
    ])
    expect(emu.records()).toEqual([])
  })

  it('latency: every API request is answered latencyMs late, control requests are not', async () => {
    const slow = await start({ port: 0, latencyMs: 150 })
    try {
      const began = Date.now()
      const res = await call('GET', '/v4/integrations', {}, slow.url)
      expect(res.status).toBe(200)
      expect(Date.now() - began).toBeGreaterThanOrEqual(145)
      const [entry] = slow.requests()
      expect(Date.parse(entry.answeredAt!) - Date.parse(entry.at)).toBeGreaterThanOrEqual(145)
      const controlBegan = Date.now()
      await call('GET', '/__emulator/records', { key: null }, slow.url)
      expect(Date.now() - controlBegan).toBeLessThan(145)
      expect(slow.configure({ latencyMs: 0 })).toEqual({ latencyMs: 0, rateLimit: null, retryAfter: 1 })
      const fastBegan = Date.now()
      await call('GET', '/v4/integrations', {}, slow.url)
      expect(Date.now() - fastBegan).toBeLessThan(145)
    } finally {
      await slow.close()
    }
  })

  it('rate limit: beyond N requests in a second, 429 with Retry-After, logged for checking', async () => {
    emu.configure({ rateLimit: 3, retryAfter: 2 })
    const burst = await Promise.all(Array.from({ length: 5 }, () => call('GET', '/v4/integrations')))
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429])
    const limited = burst.find((r) => r.status === 429)!
    expectError(limited, 429, 'request', 'rate_limit_exceeded')
    expect(limited.headers.get('retry-after')).toBe('2')
    const log = emu.requests()
    expect(log).toHaveLength(5)
    expect(log.filter((r) => r.status === 429)).toEqual([
      expect.objectContaining({ fault: 'rate-limit', retryAfter: 2, answeredAt: expect.stringMatching(ISO) }),
      expect.objectContaining({ fault: 'rate-limit', retryAfter: 2, answeredAt: expect.stringMatching(ISO) })
    ])
    expect(log.filter((r) => r.status === 200).every((r) => r.retryAfter === null)).toBe(true)
  })

  it('rate limit: counts a sliding second of accepted requests; refused ones do not count', async () => {
    emu.configure({ rateLimit: 2 })
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
    for (let i = 0; i < 3; i++) {
      const res = await call('GET', '/v4/integrations')
      expect(res.status).toBe(429)
      expect(res.headers.get('retry-after')).toBe('1')
    }
    // The second accepted request was admitted before it was answered; a second after that, both are out.
    await sleep(Date.parse(emu.requests()[1].answeredAt!) + 1010 - Date.now())
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
  })

  it('rate limit: a refused request leaves injected faults and the store alone', async () => {
    emu.configure({ rateLimit: 1 })
    emu.inject({ kind: 'server-error', match: { method: 'POST' } })
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
    expect((await create()).status).toBe(429)
    expect(emu.records()).toEqual([])
    emu.configure({ rateLimit: null })
    expect((await create()).status).toBe(500)
    expect((await create()).status).toBe(201)
  })

  it('configure() changes the settings given; reset() puts back the start settings', async () => {
    const changed = emu.configure({ rateLimit: 1, latencyMs: 5 })
    expect(changed).toEqual({ latencyMs: 5, rateLimit: 1, retryAfter: 1 })
    expect(emu.configure({})).toEqual(changed)
    await call('GET', '/v4/integrations')
    expect((await call('GET', '/v4/integrations')).status).toBe(429)
    emu.reset()
    expect(emu.configure({})).toEqual({ latencyMs: 0, rateLimit: null, retryAfter: 1 })
    expect((await call('GET', '/v4/integrations')).status).toBe(200)
  })

  it('refuses bad settings, and options start() no longer has', async () => {
    for (const [changes, message] of [
      [{ rateLimit: 0 }, 'rateLimit must be an integer >= 1'],
      [{ latencyMs: -5 }, 'latencyMs must be an integer between 0 and 60000'],
      [{ retryAfter: 1.5 }, 'retryAfter must be a whole number of seconds'],
      [{ burst: 3 }, 'unknown setting "burst"']
    ] as const) {
      expect(() => emu.configure(changes as never)).toThrow(`invalid settings: ${message}`)
    }
    expect(emu.configure({})).toEqual({ latencyMs: 0, rateLimit: null, retryAfter: 1 })
    await expect(start({ port: 0, keys: ['sk_x'] } as never)).rejects.toThrow('unknown setting "keys"')
    await expect(start({ port: 0, rateLimit: 0 })).rejects.toThrow(TypeError)
  })
})

describe('delivery health over time', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  const control = (path: string, body: unknown) => call('POST', `/__emulator/${path}`, { key: null, body })
  const setStatus = (id: string, status: 0 | 1) =>
    call('POST', `/v4/integrations/${id}/status`, { body: { status } })
  /** Re-reads a record from the list, as a client must (there is no get-one endpoint). */
  async function read(id: string, key = SANDBOX) {
    const list = await call('GET', '/v4/integrations', { key })
    return (list.json.data as Rec[]).find((r) => r.id === id)!
  }
  const iso = (ms: number) => new Date(ms).toISOString()

  it('deliver: an activated record delivers afterMs after activation, seen on later reads', async () => {
    emu.scenario({ kind: 'deliver', afterMs: 300 })
    const id = await createId()
    expect(await read(id)).toMatchObject({ active: 0, last_delivery_at: null })
    const on = (await setStatus(id, 1)).json as Rec
    expect(on).toMatchObject({ active: 1, last_delivery_at: null, delivery_error_count: 0 })
    expect((await read(id)).last_delivery_at).toBeNull()
    await sleep(400)
    const later = await read(id)
    expect(later).toMatchObject({
      active: 1,
      last_delivery_at: iso(Date.parse(on.updated_at) + 300),
      delivery_error_count: 0,
      updated_at: on.updated_at
    })
    expect(Object.keys(later)).toEqual(RECORD_KEYS)
  })

  it('deliver: a paused record never delivers; afterMs 0 shows in the status answer itself', async () => {
    emu.scenario({ kind: 'deliver' })
    const paused = await createId()
    const active = await createId()
    const on = (await setStatus(active, 1)).json as Rec
    expect(on.last_delivery_at).toBe(on.updated_at)
    await sleep(20)
    expect((await read(paused)).last_delivery_at).toBeNull()
  })

  it('deliver: a success clears the error count, and keeps the last error for comparison', async () => {
    const seeded = emu.seed({
      title: 'Retrying',
      integration: 'mixpanel',
      target_platform: 'iOS',
      active: 1,
      last_error_at: '2026-01-01T00:00:00.000Z',
      last_error_message: 'timeout',
      delivery_error_count: 4
    })
    emu.scenario({ kind: 'deliver', afterMs: 300, match: { id: seeded.id } })
    expect(await read(seeded.id)).toMatchObject({ delivery_error_count: 4, last_delivery_at: null })
    await sleep(350)
    expect(await read(seeded.id)).toMatchObject({
      delivery_error_count: 0,
      last_delivery_at: expect.stringMatching(ISO),
      last_error_at: '2026-01-01T00:00:00.000Z',
      last_error_message: 'timeout'
    })
  })

  it('counts from the scenario when the record was active before it', async () => {
    const seeded = emu.seed({ title: 't', integration: 'slack', target_platform: 'Stripe', active: 1 })
    await sleep(150)
    const scenario = emu.scenario({ kind: 'deliver', afterMs: 300 })
    expect((await read(seeded.id)).last_delivery_at).toBeNull()
    await sleep(350)
    expect((await read(seeded.id)).last_delivery_at).toBe(iso(Date.parse(scenario.addedAt) + 300))
  })

  it('fail: counts errors every everyMs, then suspends to active 2 with a message', async () => {
    emu.scenario({
      kind: 'fail',
      afterMs: 0,
      everyMs: 400,
      suspendAfterErrors: 3,
      message: 'AppsFlyer rejected the dev key'
    })
    const id = await createId({ title: 'Attribution', integration: 'appsflyer', target_platform: 'Android' })
    const on = (await setStatus(id, 1)).json as Rec
    const activated = Date.parse(on.updated_at)
    expect(on).toMatchObject({
      active: 1,
      delivery_error_count: 1,
      last_error_at: on.updated_at,
      last_error_message: 'AppsFlyer rejected the dev key',
      last_delivery_at: null
    })
    await sleep(activated + 600 - Date.now())
    expect(await read(id)).toMatchObject({
      active: 1,
      delivery_error_count: 2,
      last_error_at: iso(activated + 400)
    })
    await sleep(activated + 1000 - Date.now())
    const suspended = await read(id)
    expect(suspended).toMatchObject({
      active: 2,
      delivery_error_count: 3,
      last_error_at: iso(activated + 800),
      updated_at: iso(activated + 800),
      last_error_message: 'Suspended after 3 failed deliveries: AppsFlyer rejected the dev key'
    })
    await sleep(450)
    expect(await read(id)).toEqual(suspended)

    // Re-activating (the documented recovery) restarts the worker; the credentials are still wrong here.
    const again = (await setStatus(id, 1)).json as Rec
    expect(again).toMatchObject({ active: 1, delivery_error_count: 4, last_error_at: again.updated_at })
  })

  it('fail: without suspendAfterErrors it keeps failing while active, and pausing stops it', async () => {
    emu.scenario({ kind: 'fail', afterMs: 100, everyMs: 100 })
    const id = await createId()
    await setStatus(id, 1)
    await sleep(350)
    const failing = await read(id)
    expect(failing.active).toBe(1)
    expect(failing.delivery_error_count).toBeGreaterThanOrEqual(2)
    expect(failing.last_error_message).toBe('Delivery failed: the provider rejected the credentials')
    const paused = (await setStatus(id, 0)).json as Rec
    await sleep(250)
    expect(await read(id)).toMatchObject({ active: 0, delivery_error_count: paused.delivery_error_count })
  })

  it('matches records by id, title, provider slug and store; the newest matching scenario wins', async () => {
    emu.scenario({ kind: 'deliver' })
    emu.scenario({ kind: 'fail', match: { integration: 'appsflyer', target_platform: 'Android' } })
    emu.scenario({ kind: 'deliver', match: { title: 'Fixed' } })
    const ids = {
      amplitude: await createId(),
      appsflyerAndroid: await createId({ title: 'A', integration: 'appsflyer', target_platform: 'Android' }),
      appsflyerIos: await createId({ title: 'A', integration: 'appsflyer', target_platform: 'iOS' }),
      fixed: await createId({ title: 'Fixed', integration: 'appsflyer', target_platform: 'Android' })
    }
    for (const id of Object.values(ids)) await setStatus(id, 1)
    const health = async (id: string) => {
      const r = await read(id)
      return [r.last_delivery_at === null ? 'no delivery' : 'delivered', r.delivery_error_count]
    }
    expect(await health(ids.amplitude)).toEqual(['delivered', 0])
    expect(await health(ids.appsflyerAndroid)).toEqual(['no delivery', 1])
    expect(await health(ids.appsflyerIos)).toEqual(['delivered', 0])
    expect(await health(ids.fixed)).toEqual(['delivered', 0])
  })

  it('sets delivery fields directly; updated_at moves only with active', async () => {
    const id = await createId()
    const created = await read(id)
    await sleep(5)
    const errored = emu.setDelivery({
      id,
      last_error_at: '2026-11-26T08:00:00Z',
      last_error_message: 'Amplitude rejected the API key',
      delivery_error_count: 7
    })
    expect(errored).toMatchObject({ id, env: 'sandbox', active: 0, updated_at: created.updated_at })
    const suspended = emu.setDelivery({ id, active: 2 })
    expect(Date.parse(suspended.updated_at)).toBeGreaterThan(Date.parse(created.updated_at))
    expect(await read(id)).toMatchObject({
      active: 2,
      last_error_at: '2026-11-26T08:00:00Z',
      last_error_message: 'Amplitude rejected the API key',
      delivery_error_count: 7,
      last_delivery_at: null
    })
    const healthy = emu.setDelivery({
      id,
      active: 1,
      last_delivery_at: '2026-11-27T08:00:00Z',
      delivery_error_count: 0
    })
    expect(healthy).toMatchObject({ active: 1, last_delivery_at: '2026-11-27T08:00:00Z' })
    const production = await createId(amplitude, { key: PRODUCTION })
    expect(emu.setDelivery({ id: production, active: 1 }).env).toBe('production')
  })

  it('setting active to 1 directly starts the scenario clock too', async () => {
    emu.scenario({ kind: 'fail', suspendAfterErrors: 1, message: 'quota exceeded' })
    const id = await createId()
    expect(emu.setDelivery({ id, active: 1 })).toMatchObject({
      active: 2,
      delivery_error_count: 1,
      last_error_message: 'Suspended after 1 failed deliveries: quota exceeded'
    })
  })

  it('refuses a bad delivery update or scenario, naming the problem', async () => {
    const id = await createId()
    await call('DELETE', `/v4/integrations/${id}`)
    expect(() => emu.setDelivery({ id, active: 1 })).toThrow('invalid delivery: id matches no live record')
    expect(() => emu.setDelivery({ active: 3, last_delivery_at: 'yesterday', title: 'x' } as never)).toThrow(
      'invalid delivery: id must be the id of a record; active must be 0, 1 or 2; ' +
        'last_delivery_at must be an ISO 8601 date or null; title unknown field'
    )
    expect(() => emu.setDelivery({ id: 'nope', delivery_error_count: -1 })).toThrow(
      'invalid delivery: delivery_error_count must be an integer >= 0'
    )

    const created = await control('scenarios', {
      kind: 'fail',
      everyMs: 500,
      match: { integration: 'adjust' }
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      id: expect.any(Number),
      kind: 'fail',
      match: { id: null, title: null, integration: 'adjust', target_platform: null },
      afterMs: 0,
      everyMs: 500,
      suspendAfterErrors: null,
      message: 'Delivery failed: the provider rejected the credentials',
      addedAt: expect.stringMatching(ISO)
    })
    for (const [spec, message] of [
      [{ kind: 'explode' }, 'kind must be one of deliver, fail'],
      [{ kind: 'deliver', everyMs: 5 }, 'everyMs is not used by deliver'],
      [{ kind: 'deliver', after: 5 }, 'unknown option "after"'],
      [{ kind: 'fail', afterMs: -1 }, 'afterMs must be an integer'],
      [{ kind: 'fail', suspendAfterErrors: 0 }, 'suspendAfterErrors must be an integer >= 1'],
      [{ kind: 'fail', match: { provider: 'adjust' } }, 'unknown match option "provider"']
    ] as const) {
      const res = await control('scenarios', spec)
      expectError(res, 422, 'request', 'invalid_data')
      expect(res.json.error.message).toContain(`invalid scenario: ${message}`)
    }
  })
})

describe('reset', () => {
  it('clears records, idempotency memory, faults, scenarios and the log', async () => {
    await create(amplitude, { headers: { 'idempotency-key': 'k' } })
    emu.inject({ kind: 'server-error', match: { path: '/v4/integrations/meta' } })
    emu.scenario({ kind: 'deliver' })
    emu.reset()
    expect(emu.seed({ title: 't', integration: 'slack', target_platform: 'iOS', active: 1 })).toMatchObject({
      last_delivery_at: null
    })
    emu.reset()
    expect(emu.records()).toEqual([])
    expect(emu.requests()).toEqual([])
    expect((await call('GET', '/v4/integrations/meta')).status).toBe(200)
    expect(
      (await create({ ...amplitude, title: 'new' }, { headers: { 'idempotency-key': 'k' } })).status
    ).toBe(201)
  })
})

describe('control endpoints over HTTP', () => {
  const control = (method: string, path: string, body?: unknown) =>
    call(method, `/__emulator/${path}`, { key: null, ...(body === undefined ? {} : { body }) })

  it('injects faults', async () => {
    const added = await control('POST', 'faults', { kind: 'rate-limit', retryAfter: 2, count: 2 })
    expect(added.status).toBe(201)
    expect(added.json).toEqual({
      id: expect.any(Number),
      kind: 'rate-limit',
      count: 2,
      retryAfter: 2,
      match: { method: null, path: null }
    })
    expect((await create()).status).toBe(429)
    expect((await create()).status).toBe(429)
    expect((await create()).status).toBe(201)
    const bad = await control('POST', 'faults', { kind: 'nope' })
    expectError(bad, 422, 'request', 'invalid_data')
    expect(bad.json.error.message).toMatch(/^invalid fault: kind must be one of/)
  })

  it('accepts control bodies without a JSON Content-Type, as curl -d sends them', async () => {
    const res = await call('POST', '/__emulator/faults', {
      key: null,
      raw: '{"kind":"html-502"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }
    })
    expect(res.status).toBe(201)
    expectError(await control('POST', 'faults', undefined), 400, 'request', 'invalid_request')
  })

  it('lists records, deleted ones too, for one environment or both', async () => {
    const deleted = await createId({ title: 'x', integration: 'braze', target_platform: 'iOS' })
    await call('DELETE', `/v4/integrations/${deleted}`)
    await create(amplitude, { key: PRODUCTION })
    const all = await control('GET', 'records')
    expect(all.status).toBe(200)
    expect(all.json).toMatchObject({
      object: 'list',
      data: [
        { id: deleted, integration: 'Braze', slug: 'braze', env: 'sandbox', deleted: true },
        { env: 'production', deleted: false }
      ]
    })
    expect((await control('GET', 'records?env=production')).json.data).toMatchObject([{ env: 'production' }])
    expect((await control('GET', 'records?env=sandbox')).json.data).toMatchObject([{ id: deleted }])
    expectError(await control('GET', 'records?env=staging'), 400, 'request', 'invalid_request')
  })

  it('answers unknown control routes and methods with envelopes', async () => {
    for (const gone of ['requests', 'seed', 'delivery', 'settings', 'reset']) {
      expectError(await control('POST', gone, {}), 404, 'request', 'route_not_found')
    }
    expectError(await control('GET', 'nothing'), 404, 'request', 'route_not_found')
    expectError(await control('DELETE', 'records'), 405, 'request', 'method_not_allowed')
    expectError(await control('GET', 'faults'), 405, 'request', 'method_not_allowed')
  })
})

describe('cli', () => {
  const cli = fileURLToPath(new URL('../../emulator/cli.js', import.meta.url))

  async function firstLine(child: ChildProcess): Promise<string> {
    let buffer = ''
    for await (const chunk of child.stdout!) {
      buffer += String(chunk)
      if (buffer.includes('\n')) return buffer.split('\n')[0]
    }
    throw new Error(`emulator exited without output: ${buffer}`)
  }

  it('listens on a free port, serves both environments, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'])
    try {
      const line = await firstLine(child)
      const match =
        /^Qonversion emulator listening on (http:\/\/127\.0\.0\.1:\d+)\/v4 \(keys: sk_emulator, test_sk_emulator\)$/.exec(
          line
        )
      expect(match).not.toBeNull()
      const base = match![1]
      const created = await call('POST', '/v4/integrations', { body: amplitude }, base)
      expect(created.status).toBe(201)
      expect((await call('GET', '/v4/integrations', { key: PRODUCTION }, base)).json.data).toEqual([])
      expect((await call('GET', '/v4/integrations', { key: 'test_sk_other' }, base)).status).toBe(401)

      // A test that runs the emulator as a process drives scenarios over HTTP.
      const scenario = { kind: 'deliver' }
      expect((await call('POST', '/__emulator/scenarios', { key: null, body: scenario }, base)).status).toBe(
        201
      )
      const { id } = created.json as Rec
      const on = await call('POST', `/v4/integrations/${id}/status`, { body: { status: 1 } }, base)
      expect(on.json).toMatchObject({ active: 1, last_delivery_at: (on.json as Rec).updated_at })
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
  })

  it('stops on SIGINT, and rejects a bad port or an unknown flag', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'])
    try {
      await firstLine(child)
    } finally {
      child.kill('SIGINT')
    }
    expect(((await once(child, 'exit')) as [number | null])[0]).toBe(0)

    const badFlags = [
      ['--port', 'eighty'],
      ['--key', 'sk_x'],
      ['--rate-limit', '10'],
      ['--latency-ms', '50']
    ]
    const codes = await Promise.all(
      badFlags.map(async (args) => {
        const bad = spawn(process.execPath, [cli, ...args])
        return ((await once(bad, 'exit')) as [number | null])[0]
      })
    )
    expect(codes).toEqual([2, 2, 2, 2])
  })
})

describe('emulator/README.md', () => {
  const file = fileURLToPath(new URL('../../emulator/README.md', import.meta.url))
  const text = readFileSync(file, 'utf8')

  it('links nothing outside the repository', () => {
    const urls = text.match(/https?:\/\/[^\s)'"`>]+/g) ?? []
    expect(urls.filter((url) => !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url))).toEqual([])
    const root = resolve(dirname(file), '..')
    const targets = [...text.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).filter((t) => !t.startsWith('#'))
    for (const target of targets) expect(relative(root, resolve(dirname(file), target))).not.toMatch(/^\.\./)
    expect(text).not.toMatch(/\.\.\/shared\//)
  })
})
