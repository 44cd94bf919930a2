// The retrying HTTP exchange: timeouts, Retry-After, backoff, give-up rules, the body cap, with no real waiting.
import { createServer, type Server } from 'node:http'
import { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../__fixtures__/use-nock.js'
import { NetworkError } from '../../src/domain/errors.js'
import {
  MAX_BODY_BYTES,
  MAX_RETRY_AFTER_MS,
  backoffMs,
  parseRetryAfter,
  send,
  TransportFailure,
  type HttpRequest,
  type RetryPolicy
} from '../../src/net/retry.js'
import { transportFor } from '../../src/net/transport.js'

const URL_ = 'https://api.test/v4/integrations'
const req: HttpRequest = { method: 'POST', url: URL_, headers: { 'Idempotency-Key': 'k1' }, body: '{}' }

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[]; lines: string[] } {
  const sleeps: number[] = []
  const lines: string[] = []
  return {
    maxAttempts: 4,
    timeoutMs: 5000,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 1,
    now: () => Date.parse('2026-11-27T12:00:00Z'),
    log: (line) => lines.push(line),
    debug: () => undefined,
    sleeps,
    lines,
    ...overrides
  }
}

const transport = transportFor({})

useNock()

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T12:00:00Z')
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('1.5', now)).toBe(1500)
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0)
  })
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})

describe('backoffMs', () => {
  it('is full jitter under an exponential ceiling capped at 20 s', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, () => 1))).toEqual([1000, 2000, 4000, 8000])
    expect(backoffMs(10, () => 1)).toBe(20_000)
    expect(backoffMs(3, () => 0)).toBe(0)
    expect(backoffMs(3, () => 0.25)).toBe(1000)
  })
})

describe('send', () => {
  it('returns a final answer at once, without retrying a 4xx', async () => {
    nock('https://api.test').post('/v4/integrations').reply(422, '{}')
    const p = policy()
    const exchange = await send(req, p, transport)
    expect(exchange).toMatchObject({ attempts: 1, response: { status: 422, body: '{}' } })
    expect(p.sleeps).toEqual([])
  })

  it('puts the answer’s body in the step-debug line with its control characters escaped and its length capped', async () => {
    nock('https://api.test')
      .post('/v4/integrations')
      .reply(502, `<title>A\u001b[8mhidden\u0085x\u2028y\n::error::forged</title>${'z'.repeat(1000)}`)
    const debug: string[] = []
    await send(req, policy({ maxAttempts: 1, debug: (line) => debug.push(line) }), transport)
    expect(debug).toHaveLength(1)
    expect(debug[0]).toContain('body: <title>A\\u001b[8mhidden\\u0085x\\u2028y\\n::error::forged</title>zzz')
    expect([...debug[0]].some((c) => c < ' ' || c === '\u0085' || c === '\u2028')).toBe(false)
    expect(debug[0].length).toBeLessThan(700)
  })

  it('retries 408 and 5xx with backoff, then succeeds', async () => {
    nock('https://api.test')
      .post('/v4/integrations')
      .reply(408)
      .post('/v4/integrations')
      .reply(502)
      .post('/v4/integrations')
      .reply(201, 'ok')
    const p = policy()
    const exchange = await send(req, p, transport)
    expect(exchange.attempts).toBe(3)
    expect(p.sleeps).toEqual([1000, 2000])
    expect(p.lines).toEqual([
      'POST /v4/integrations: attempt 1 of 4 failed: HTTP 408; retrying in 1.0 s.',
      'POST /v4/integrations: attempt 2 of 4 failed: HTTP 502; retrying in 2.0 s.'
    ])
  })

  it('sends the same request, key included, on every attempt', async () => {
    const keys: unknown[] = []
    nock('https://api.test')
      .post('/v4/integrations')
      .times(3)
      .reply(function () {
        keys.push(this.req.headers['idempotency-key'])
        return keys.length < 3 ? [500, ''] : [201, '{}']
      })
    await send(req, policy(), transport)
    expect(keys).toEqual(['k1', 'k1', 'k1'])
  })

  it('waits what Retry-After says, as an HTTP date too', async () => {
    nock('https://api.test')
      .post('/v4/integrations')
      .reply(429, '', { 'Retry-After': 'Fri, 27 Nov 2026 12:00:04 GMT' })
      .post('/v4/integrations')
      .reply(201, '{}')
    const p = policy()
    await send(req, p, transport)
    expect(p.sleeps).toEqual([4000])
  })

  it('does not sit out a Retry-After beyond the limit: it returns the answer and the wait asked', async () => {
    nock('https://api.test').post('/v4/integrations').reply(429, '', { 'Retry-After': '3600' })
    const p = policy()
    const exchange = await send(req, p, transport)
    expect(exchange.refusedWaitMs).toBe(3_600_000)
    expect(exchange.refusedWaitMs).toBeGreaterThan(MAX_RETRY_AFTER_MS)
    expect(p.sleeps).toEqual([])
  })

  it('returns the last retryable answer when attempts run out', async () => {
    nock('https://api.test').post('/v4/integrations').times(2).reply(503, 'busy')
    const p = policy({ maxAttempts: 2 })
    const exchange = await send(req, p, transport)
    expect(exchange).toMatchObject({ attempts: 2, response: { status: 503 } })
    expect(p.sleeps).toHaveLength(1)
  })

  it('times out a slow attempt, retries, and names the timeout when it gives up', async () => {
    nock('https://api.test').post('/v4/integrations').times(2).delay(300).reply(201, '{}')
    const p = policy({ maxAttempts: 2, timeoutMs: 50 })
    await expect(send(req, p, transport)).rejects.toMatchObject({
      constructor: NetworkError,
      message: 'no answer after 2 attempts (POST /v4/integrations): no answer within 0.05 s.',
      attempts: 2
    })
    expect(p.lines[0]).toBe(
      'POST /v4/integrations: attempt 1 of 2 failed: no answer within 0.05 s; retrying in 1.0 s.'
    )
  })

  it('retries only statuses that can succeed later: 425 yes; 501, 505 and 507 fail at once', async () => {
    for (const status of [501, 505, 507]) {
      nock('https://api.test').post('/v4/integrations').reply(status, 'no')
      const p = policy()
      const exchange = await send(req, p, transport)
      expect(exchange).toMatchObject({ attempts: 1, response: { status } })
      expect(p.sleeps).toEqual([])
    }
    nock('https://api.test').post('/v4/integrations').reply(425).post('/v4/integrations').reply(201, '{}')
    expect((await send(req, policy(), transport)).attempts).toBe(2)
  })

  it('shares a Retry-After with every request of the same backoff, so no worker sends before it', async () => {
    let clock = Date.parse('2026-11-27T12:00:00Z')
    const sent: number[] = []
    const shared = { until: 0 }
    const p = policy({
      now: () => clock,
      sleep: (ms) => {
        clock += ms
        return Promise.resolve()
      },
      backoff: shared
    })
    nock('https://api.test')
      .post('/v4/integrations')
      .reply(() => {
        sent.push(clock)
        return [429, '', { 'Retry-After': '7' }]
      })
      .post('/v4/integrations')
      .times(2)
      .reply(() => {
        sent.push(clock)
        return [201, '{}']
      })
    await send(req, p, transport)
    expect(shared.until).toBe(Date.parse('2026-11-27T12:00:07Z'))
    // Another worker that starts now, before the gate opens, waits for it too.
    clock = Date.parse('2026-11-27T12:00:03Z')
    await send(req, p, transport)
    expect(sent.map((t) => new Date(t).toISOString())).toEqual([
      '2026-11-27T12:00:00.000Z',
      '2026-11-27T12:00:07.000Z',
      '2026-11-27T12:00:07.000Z'
    ])
  })

  it('names a refused connection', async () => {
    nock('https://api.test')
      .post('/v4/integrations')
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    await expect(send(req, policy({ maxAttempts: 1 }), transport)).rejects.toThrow(
      'no answer after 1 attempt (POST /v4/integrations): the connection was refused (ECONNREFUSED).'
    )
  })

  it('passes an unknown error text through', async () => {
    nock('https://api.test').post('/v4/integrations').replyWithError('weird failure')
    await expect(send(req, policy({ maxAttempts: 1 }), transport)).rejects.toThrow(/weird failure/)
  })
})

describe('the direct transport (node:http)', () => {
  let server: Server
  let base: string
  let endlessStopped = false

  beforeAll(async () => {
    nock.enableNetConnect('127.0.0.1')
    server = createServer((incoming, out) => {
      if (incoming.url === '/endless') {
        // A server that never stops sending: the transport must hang up on it.
        out.writeHead(200, { 'content-type': 'application/json' })
        const chunk = Buffer.alloc(64 * 1024, 'a')
        const pump = (): void => {
          while (out.write(chunk));
        }
        out.on('drain', pump)
        out.on('close', () => (endlessStopped = true))
        pump()
        return
      }
      if (incoming.url === '/huge') {
        out.writeHead(200, { 'content-length': String(MAX_BODY_BYTES + 1) })
        out.write('{')
        return
      }
      if (incoming.url === '/cut') {
        // Headers and half a body, then the connection goes: the answer must not count as complete.
        out.writeHead(201, { 'content-type': 'application/json', 'content-length': '100' })
        out.write('{"id":')
        setTimeout(() => out.socket?.destroy(), 10)
        return
      }
      out.setHeader('set-cookie', ['a=1', 'b=2'])
      out.writeHead(200, { 'content-type': 'application/json' })
      out.end('{"ok":true}')
    })
    base = await new Promise<string>((resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      )
    )
  })
  afterAll(() => {
    server.closeAllConnections()
    server.close()
  })

  it('returns status, every header and the body', async () => {
    const response = await transportFor({})(
      { method: 'GET', url: `${base}/ok`, headers: {} },
      new AbortController().signal
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2')
    expect(response.body).toBe('{"ok":true}')
  })

  it('cuts off a body over the cap, drops the connection and fails at once, naming the cap', async () => {
    const p = policy()
    await expect(
      send({ method: 'GET', url: `${base}/endless`, headers: {} }, p, transportFor({}))
    ).rejects.toMatchObject({
      constructor: NetworkError,
      message:
        'GET /endless: the answer was larger than 4 MiB, the most this action reads; the connection was dropped.',
      // The transport's own words stay reachable as the cause.
      cause: expect.any(TransportFailure)
    })
    expect(p.sleeps).toEqual([])
    // The server sees the hang-up (it would otherwise keep sending for ever).
    for (let i = 0; i < 100 && !endlessStopped; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(endlessStopped).toBe(true)
  })

  it('refuses a body whose Content-Length is over the cap without reading it', async () => {
    await expect(
      transportFor({})({ method: 'GET', url: `${base}/huge`, headers: {} }, new AbortController().signal)
    ).rejects.toThrow(/larger than 4 MiB/)
  })

  it('treats an answer cut short as a dropped connection, and retries it', async () => {
    const p = policy({ maxAttempts: 2 })
    await expect(
      send({ method: 'GET', url: `${base}/cut`, headers: {} }, p, transportFor({}))
    ).rejects.toThrow('no answer after 2 attempts (GET /cut): the connection was dropped (ECONNRESET).')
    expect(p.lines).toHaveLength(1)
  })
})
