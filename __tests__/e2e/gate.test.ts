// End to end on the committed dist/index.js: the hardening items a runner sees (wrong provider, dry run, http,
// server text, the body cap, honest outputs, proxy messages) and the health gate against the emulator.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/run-action.mjs'
import { NODE, NODE_NAME, emulatorForFile, fastClock } from '../../__fixtures__/e2e.js'

const { emu, newRun, writes, inputs } = emulatorForFile(8000)
const run = (withInputs: Record<string, string>, env: Record<string, string | undefined> = {}) =>
  runAction({ inputs: withInputs, run: newRun(), node: NODE, env })
// Runs that would sit in waits (the gate's, a retry's backoff) run the bundle on a clock SPEED times fast: its waits
// are the ones asked for (`wait-seconds: 6` waits 6 s of its clock) in a fraction of the time; the emulator's
// delivery times are real ones, so they are scaled to match.
const SPEED = 5
const gated = (withInputs: Record<string, string>) =>
  runAction({ inputs: withInputs, run: newRun(), node: NODE, nodeArgs: fastClock(SPEED) })

/** A one-route server answering every request with `answer`, for what the emulator does not play. */
async function serve(
  answer: (res: import('node:http').ServerResponse) => void
): Promise<{ url: string; close: () => void }> {
  const server: Server = createServer((_req, res) => answer(res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4`,
    close: () => {
      server.closeAllConnections()
      server.close()
    }
  }
}

describe(`hardening, on dist/index.js (${NODE_NAME})`, () => {
  it('1: reuse never takes another provider’s record: Mixpanel is not amplitude, a new one is created', async () => {
    const [mixpanel] = emu.seed([
      { title: 'Amplitude — iOS', integration: 'mixpanel', target_platform: 'iOS' }
    ])
    emu.inject({ match: { method: 'GET', path: '/v4/integrations/meta' }, kind: 'server-error', count: 10 })
    const result = await gated(inputs({ 'if-exists': 'reuse' }))
    expect(result.code).toBe(0)
    expect(result.outputs.created).toBe('true')
    expect(result.outputs['integration-id']).not.toBe(mixpanel.id)
    expect(writes()).toHaveLength(1)
  })

  it('1: a provider that cannot be told apart fails closed, listing the candidate, and sends nothing', async () => {
    const [asa] = emu.seed([{ title: 'ASA', integration: 'searchads', target_platform: 'iOS' }])
    emu.inject({ match: { method: 'GET', path: '/v4/integrations/meta' }, kind: 'server-error', count: 10 })
    const result = await gated(inputs({ title: 'ASA', provider: 'searchads', 'if-exists': 'reuse' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`${asa.id}: provider “Apple Search Ads”, store iOS`)
    expect(result.stdout).toMatch(/none is reused on a guess/)
    expect(result.outputs['integration-id']).toBeUndefined()
    expect(writes()).toHaveLength(0)
  })

  it('5: a dry run with a key the API refuses fails with the real run’s 401 message', async () => {
    const result = await run(inputs({ 'secret-key': 'sk_not_a_real_key', 'dry-run': 'true' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::qonversion-integration-action: Listing integrations failed: HTTP 401/
    )
    expect(writes()).toHaveLength(0)
    expect(result.summary).toMatch(/HTTP attempts<\/td><td>1</)
  })

  it('6: http:// to a non-loopback host is refused before any request', async () => {
    const result = await run(inputs({ 'api-url': 'http://api.qonversion.io/v4' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/plain http:\/\/ would send the Secret Key across the network unencrypted/)
    expect(emu.requests()).toHaveLength(0)
  })

  it('7: server text cannot start a workflow command', async () => {
    const hostile = await serve((res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'evil1',
          title: 'Amplitude — iOS',
          integration: 'Amplitude\n::warning::pwned\n::stop-commands::token',
          target_platform: 'iOS',
          active: 0
        })
      )
    })
    try {
      const result = await run(inputs({ 'api-url': hostile.url }))
      expect(result.code).toBe(0)
      expect(result.stdout).not.toMatch(/^::warning::pwned/m)
      expect(result.stdout).not.toMatch(/^::stop-commands::/m)
      // Printed escaped, handed on exactly: the output file's delimiter keeps the line breaks inside the value.
      expect(result.outputs['provider-title']).toBe('Amplitude\n::warning::pwned\n::stop-commands::token')
    } finally {
      hostile.close()
    }
  })

  it('8: an endless body is cut off at 4 MiB and fails in one line', async () => {
    const endless = await serve((res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, 'a')
      const pump = (): void => {
        while (res.write(chunk));
      }
      res.on('drain', pump)
      pump()
    })
    try {
      const result = await run(inputs({ 'api-url': endless.url }))
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/::error::.*the answer was larger than 4 MiB/)
      expect(result.stderr).not.toMatch(/ERR_STRING_TOO_LONG/)
    } finally {
      endless.close()
    }
  })

  it('10: activation refused after a create: outputs set, summary written, the failure names the id', async () => {
    emu.inject({
      match: { method: 'POST', path: '/v4/integrations/*' },
      kind: 'server-error',
      count: 10
    })
    const result = await run(inputs({ activate: 'true', 'max-attempts': '1' }))
    expect(result.code).toBe(1)
    const id = result.outputs['integration-id']
    expect(id).toMatch(/^\w+$/)
    expect(result.outputs.created).toBe('true')
    expect(result.stdout).toMatch(
      new RegExp(`::error::qonversion-integration-action: .*integration ${id} active failed`)
    )
    expect(result.summary).toMatch(/failed/)
  })

  it('13: a proxy that refuses the tunnel is named with its variable, without credentials or warnings', async () => {
    const proxy: Server = createServer()
    proxy.on('connect', (_req, client) => client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'))
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const port = (proxy.address() as AddressInfo).port
      const result = await run(inputs(), { HTTP_PROXY: `http://bob:s3cret@127.0.0.1:${port}` })
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(
        `the proxy http://127.0.0.1:${port} (from HTTP_PROXY) refused the tunnel`
      )
      expect(result.stdout).not.toMatch(/s3cret|Request was cancelled/)
      expect(result.stderr).not.toMatch(/UNDICI|experimental/i)
    } finally {
      proxy.closeAllConnections()
      proxy.close()
    }
  })
})

describe('the health gate, on dist/index.js against the emulator', () => {
  it('passes at once on a delivering integration', async () => {
    emu.scenario({ kind: 'deliver', afterMs: 0 })
    const result = await gated(inputs({ activate: 'true', require: 'delivering' }))
    expect(result.code).toBe(0)
    expect(result.outputs.health).toBe('healthy')
    expect(emu.requests().filter((r) => r.method === 'GET')).toHaveLength(0)
  })

  it('passes after waiting for a first delivery', async () => {
    emu.scenario({ kind: 'deliver', afterMs: 1500 / SPEED })
    const result = await gated(inputs({ activate: 'true', require: 'delivering', 'wait-seconds': '20' }))
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Health check 1 after \d+ s: \w+ healthy, 0 delivery error\(s\)\./)
    expect(result.outputs['last-delivery-at']).not.toBe('')
  })

  it('fails after waiting, saying how long and the last health seen, with every output set', async () => {
    const result = await gated(inputs({ activate: 'true', require: 'delivering', 'wait-seconds': '6' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /is idle; `require: delivering` needs healthy — waited 6 s, the last health seen was idle/
    )
    expect(emu.requests().filter((r) => r.method === 'GET')).toHaveLength(2)
    // Six seconds of the bundle's clock, well under six of the test's.
    expect(result.ms).toBeLessThan(6000)
    expect(result.outputs).toMatchObject({ health: 'idle', 'delivery-error-count': '0', created: 'true' })
  })

  it('fails while waiting when deliveries keep failing and Qonversion suspends the integration', async () => {
    emu.scenario({
      kind: 'fail',
      afterMs: 500 / SPEED,
      everyMs: 500 / SPEED,
      suspendAfterErrors: 3,
      message: 'Invalid API key'
    })
    const result = await gated(inputs({ activate: 'true', require: 'delivering', 'wait-seconds': '6' }))
    expect(result.code).toBe(1)
    // Idle when activated; by the first re-read (4 s) three deliveries have failed and it is suspended.
    expect(result.stdout).toMatch(/Health check 1 after 4 s: \w+ error, 3 delivery error\(s\)\./)
    expect(result.stdout).toMatch(/is error; `require: delivering` needs healthy — waited 6 s/)
    expect(result.stdout).toContain('Suspended after 3 failed deliveries: Invalid API key')
    expect(result.outputs).toMatchObject({
      health: 'error',
      status: '2',
      'delivery-error-count': '3',
      'last-error': 'Suspended after 3 failed deliveries: Invalid API key'
    })
  })

  it('fails on a suspended integration with its last error in the message', async () => {
    const [suspended] = emu.seed([
      {
        title: 'Amplitude — iOS',
        integration: 'amplitude',
        target_platform: 'iOS',
        active: 2,
        last_error_at: '2026-11-29T22:14:00Z',
        last_error_message: 'Invalid API key',
        delivery_error_count: 4
      }
    ])
    const result = await gated(inputs({ 'if-exists': 'reuse', require: 'healthy' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /Last error: Invalid API key \(at 2026-11-29T22:14:00Z\); delivery errors since the last success: 4/
    )
    expect(result.outputs).toMatchObject({
      'integration-id': suspended.id,
      health: 'error',
      'last-error': 'Invalid API key',
      'delivery-error-count': '4'
    })
  })
})
