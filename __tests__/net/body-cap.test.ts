// An error answer over the body cap (issue 15 item 14) is an answer: reported by its status and retried like any
// other of that status. A success over the cap is still refused at once.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { MAX_BODY_BYTES, type RetryPolicy } from '../../src/net/retry.js'
import { listIntegrations } from '../../src/qonversion/client.js'
import { direct } from '../../src/net/node-http.js'

let server: Server
let base: string
const hits: string[] = []

beforeAll(async () => {
  server = createServer((incoming, out) => {
    hits.push(incoming.url ?? '')
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'x'.repeat(MAX_BODY_BYTES)}</body></html>`
    if (incoming.url?.startsWith('/declared')) {
      // Content-Length says it all: nothing needs reading.
      out.writeHead(502, { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(page)) })
      out.end(page)
      return
    }
    if (incoming.url?.startsWith('/streamed') && hits.filter((h) => h.startsWith('/streamed')).length === 1) {
      // Chunked, no length: the cap is found while reading.
      out.writeHead(502, { 'content-type': 'text/html' })
      out.end(page)
      return
    }
    out.writeHead(200, { 'content-type': 'application/json' })
    out.end('{"object":"list","data":[]}')
  })
  base = await new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
  )
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const policy = (maxAttempts: number, lines: string[]): RetryPolicy => ({
  maxAttempts,
  timeoutMs: 10_000,
  sleep: () => Promise.resolve(),
  random: () => 0,
  now: Date.now,
  log: (line) => lines.push(line),
  debug: () => undefined
})

describe('an error answer over 4 MiB', () => {
  it('is reported by its status, after being retried like any 502', async () => {
    const lines: string[] = []
    hits.length = 0
    const failure = (await listIntegrations({
      baseUrl: `${base}/declared/v4`,
      secretKey: 'sk_x',
      transport: direct,
      policy: policy(2, lines)
    }).catch((e: unknown) => e)) as Error
    expect(failure.message.split('\n')[0]).toBe(
      'Listing integrations failed: HTTP 502 (body not read: over 4 MiB)'
    )
    expect(failure.message).toContain('Gave up after 2 attempts.')
    expect(hits).toEqual(['/declared/v4/integrations', '/declared/v4/integrations'])
    expect(lines).toEqual([
      'GET /declared/v4/integrations: attempt 1 of 2 failed: HTTP 502; retrying in 0.0 s.'
    ])
  })

  it('streamed without a length: the retry gets the real answer', async () => {
    hits.length = 0
    const answer = await listIntegrations({
      baseUrl: `${base}/streamed/v4`,
      secretKey: 'sk_x',
      transport: direct,
      policy: policy(3, [])
    })
    expect(answer).toEqual({ value: [], attempts: 2 })
    expect(hits).toHaveLength(2)
  })
})
