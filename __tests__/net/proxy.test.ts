// The proxy transport: CONNECT tunnels, NO_PROXY, and failures that name the proxy and its variable. No nock
// here: its interceptor cannot carry a CONNECT request, and these tests need real sockets anyway.
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { NetworkError } from '../../src/domain/errors.js'
import { MAX_BODY_BYTES, send, type RetryPolicy } from '../../src/net/retry.js'
import { bypassesProxy, proxyFor } from '../../src/net/proxy.js'
import { transportFor } from '../../src/net/transport.js'

function policy(): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = []
  return {
    maxAttempts: 3,
    timeoutMs: 5000,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 0,
    now: Date.now,
    log: () => undefined,
    debug: () => undefined,
    sleeps
  }
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`))
  )

let target: Server
let proxy: Server
let targetHost: string
let proxyHost: string
/** What the proxy does with the next CONNECT: tunnel it, refuse it with a status, or cut the tunnel. */
let behaviour: 'tunnel' | 'cut' | number = 'tunnel'
const connects: { url: string; auth: string | undefined }[] = []
const sockets: Socket[] = []

beforeAll(async () => {
  target = createServer((incoming, out) => {
    if (incoming.url === '/endless') {
      out.writeHead(200)
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = (): void => {
        while (out.write(chunk));
      }
      out.on('drain', pump)
      pump()
      return
    }
    out.writeHead(201, { 'content-type': 'application/json' })
    out.end(JSON.stringify({ path: incoming.url, host: incoming.headers.host }))
  })
  proxy = createServer()
  proxy.on('connect', (incoming, client: Socket, head) => {
    connects.push({ url: incoming.url ?? '', auth: incoming.headers['proxy-authorization'] })
    sockets.push(client)
    // A client that drops the tunnel (the body cap) resets it: expected, not a failure of the test.
    client.on('error', () => undefined)
    if (typeof behaviour === 'number') {
      client.end(`HTTP/1.1 ${behaviour} Refused\r\n\r\n`)
      return
    }
    const [host, port] = (incoming.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      sockets.push(upstream)
      upstream.on('error', () => undefined)
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (behaviour === 'cut') {
        client.destroy()
        return
      }
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
  })
  targetHost = await listen(target)
  proxyHost = await listen(proxy)
})
beforeEach(() => {
  behaviour = 'tunnel'
  connects.length = 0
})
afterAll(() => {
  sockets.forEach((socket) => socket.destroy())
  target.closeAllConnections()
  proxy.closeAllConnections()
  target.close()
  proxy.close()
})

const get = (path: string, env: NodeJS.ProcessEnv, p = policy()) =>
  send({ method: 'GET', url: `http://${targetHost}${path}`, headers: {} }, p, transportFor(env))

describe('the proxy transport', () => {
  it('tunnels through HTTP_PROXY with the credentials of its URL', async () => {
    const exchange = await get('/v4/integrations', { HTTP_PROXY: `http://bob:s%40cret@${proxyHost}` })
    expect(exchange.response.status).toBe(201)
    expect(JSON.parse(exchange.response.body)).toEqual({ path: '/v4/integrations', host: targetHost })
    expect(connects).toEqual([
      { url: targetHost, auth: `Basic ${Buffer.from('bob:s@cret').toString('base64')}` }
    ])
  })

  it('goes direct for a host in NO_PROXY', async () => {
    const exchange = await get('/v4/integrations', {
      http_proxy: `http://${proxyHost}`,
      no_proxy: 'example.com,127.0.0.1'
    })
    expect(exchange.response.status).toBe(201)
    expect(connects).toEqual([])
  })

  it('names the proxy (without its credentials) and its variable when it refuses, and does not retry', async () => {
    behaviour = 407
    const p = policy()
    const failure = get('/v4/integrations', { HTTP_PROXY: `http://bob:s3cret@${proxyHost}` }, p)
    await expect(failure).rejects.toMatchObject({
      constructor: NetworkError,
      message:
        `GET /v4/integrations: the proxy http://${proxyHost} (from HTTP_PROXY) refused the tunnel to ${targetHost}: ` +
        'HTTP 407 — the proxy wants credentials: put them in the variable as http://user:password@host:port.'
    })
    await expect(failure).rejects.not.toThrow(/s3cret|bob|Request was cancelled/)
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('HTTP_PROXY') })
    expect(p.sleeps).toEqual([])
  })

  it('says the proxy forbids the host on 403', async () => {
    behaviour = 403
    await expect(get('/', { HTTP_PROXY: `http://${proxyHost}` })).rejects.toThrow(
      /HTTP 403 — the proxy does not allow this host/
    )
  })

  it('names a proxy that is down, and retries it', async () => {
    const closed = createServer()
    const down = await listen(closed)
    closed.close()
    const p = policy()
    await expect(get('/', { HTTP_PROXY: `http://${down}` }, p)).rejects.toThrow(
      `no answer after 3 attempts (GET /): could not reach the proxy http://${down} (from HTTP_PROXY): the connection was refused (ECONNREFUSED).`
    )
    expect(p.sleeps).toHaveLength(2)
  })

  it('names the proxy when it closes the tunnel', async () => {
    behaviour = 'cut'
    await expect(get('/', { HTTP_PROXY: `http://${proxyHost}` })).rejects.toThrow(
      new RegExp(
        `the tunnel through the proxy http://${proxyHost.replace(/\./g, '\\.')} \\(from HTTP_PROXY\\) closed before the answer came`
      )
    )
  })

  it('caps the body behind the proxy too', async () => {
    await expect(get('/endless', { HTTP_PROXY: `http://${proxyHost}` })).rejects.toThrow(
      `GET /endless: the answer was larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`
    )
  })

  it('sends plain http to a loopback API direct when the proxy is on another host: the key never reaches it', async () => {
    // 192.0.2.1 (TEST-NET-1) answers nothing: had the request gone there, it would have failed.
    const exchange = await get('/v4/integrations', { HTTP_PROXY: 'http://192.0.2.1:3128' })
    expect(exchange.response.status).toBe(201)
    expect(connects).toEqual([])
    // The proxy's credentials are not even read then: a flaw in them cannot fail a request that does not use it.
    const despite = await get('/v4/integrations', { HTTP_PROXY: 'http://u:p%zz@192.0.2.1:3128' })
    expect(despite.response.status).toBe(201)
  })

  it('refuses credentials that are not valid percent-encoding, naming the proxy and variable, without retrying', async () => {
    const p = policy()
    const failure = get('/', { HTTP_PROXY: `http://u:p%zz@${proxyHost}` }, p)
    await expect(failure).rejects.toThrow(
      `GET /: the user name or password of the proxy http://${proxyHost} in HTTP_PROXY is not valid percent-encoding.`
    )
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('Fix HTTP_PROXY') })
    expect(p.sleeps).toEqual([])
    expect(connects).toEqual([])
  })

  it('explains a proxy variable that is not an address', async () => {
    await expect(get('/', { HTTPS_PROXY: 'http://[bad', HTTP_PROXY: 'http://[bad' })).rejects.toThrow(
      'HTTP_PROXY is not a proxy address (expected http://host:port)'
    )
  })
})

describe('bypassesProxy', () => {
  const url = (u: string) => new URL(u)
  it('matches hosts, domains with and without a dot, ports and *', () => {
    expect(bypassesProxy({ NO_PROXY: 'qonversion.io' }, url('https://api.qonversion.io/v4'))).toBe(true)
    expect(bypassesProxy({ NO_PROXY: '.qonversion.io' }, url('https://api.qonversion.io/v4'))).toBe(true)
    expect(bypassesProxy({ NO_PROXY: 'api.qonversion.io:443' }, url('https://api.qonversion.io/v4'))).toBe(
      true
    )
    expect(bypassesProxy({ NO_PROXY: 'api.qonversion.io:8443' }, url('https://api.qonversion.io/v4'))).toBe(
      false
    )
    expect(bypassesProxy({ no_proxy: '*' }, url('https://api.qonversion.io/v4'))).toBe(true)
    expect(bypassesProxy({ NO_PROXY: 'version.io' }, url('https://api.qonversion.io/v4'))).toBe(false)
    expect(bypassesProxy({ NO_PROXY: '::1' }, url('http://[::1]:8787/v4'))).toBe(true)
    expect(bypassesProxy({}, url('https://api.qonversion.io/v4'))).toBe(false)
  })
})

describe('proxyFor', () => {
  const api = new URL('https://api.qonversion.io/v4')
  it('takes HTTPS_PROXY for an https API, falling back to HTTP_PROXY, and names the variable and no credentials', () => {
    expect(proxyFor({ HTTPS_PROXY: 'http://a:1', HTTP_PROXY: 'http://b:2' }, api)).toMatchObject({
      variable: 'HTTPS_PROXY',
      shown: 'http://a:1'
    })
    expect(proxyFor({ http_proxy: 'http://u:p@b:2' }, api)).toMatchObject({
      variable: 'http_proxy',
      shown: 'http://b:2'
    })
    expect(proxyFor({ HTTPS_PROXY: 'http://a:1' }, new URL('http://127.0.0.1:8787/v4'))).toBeUndefined()
  })
})
