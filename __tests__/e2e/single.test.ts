// End to end: the committed dist/index.js, spawned as the runner spawns it, against the local Qonversion emulator.
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/run-action.mjs'
import { NODE, NODE_NAME, SANDBOX, emulatorForFile, type Emulator } from '../../__fixtures__/e2e.js'

const { emu, newRun, live, inputs } = emulatorForFile(5000)
const posts = () => emu.requests().filter((r) => r.method === 'POST' && r.path === '/v4/integrations')

describe(`dist/index.js on node ${NODE_NAME}`, () => {
  it('creates the integration and sets every output', async () => {
    const result = await runAction({ inputs: inputs(), run: newRun(), node: NODE })
    expect(result.code).toBe(0)
    expect(live()).toHaveLength(1)
    const [stored] = live()
    expect(result.outputs).toEqual({
      health: 'paused',
      'last-delivery-at': '',
      'delivery-error-count': '0',
      'last-error': '',
      'idempotency-key': expect.stringMatching(/^qia-\d+-[0-9a-f]{32}$/),
      'integration-id': stored.id,
      status: '0',
      'status-label': 'paused',
      url: `/v4/integrations/${stored.id}`,
      'provider-title': 'Amplitude',
      'created-at': stored.created_at,
      created: 'true',
      integration: expect.any(String)
    })
    expect(JSON.parse(result.outputs.integration)).toMatchObject({ id: stored.id, title: 'Amplitude — iOS' })
    const [sent] = posts()
    expect(posts()).toHaveLength(1)
    expect(emu.requests()).toHaveLength(1) // the happy path is one request
    expect(sent.body).toEqual({ title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' })
    expect(sent.headers['idempotency-key']).toBe(result.outputs['idempotency-key'])
    expect(sent.headers['user-agent']).toMatch(/^qonversion-integration-action\/1\.0\.0/)
    expect(result.summary).toContain(`<code>${stored.id}</code>`)
    expect(result.stdout.split('\n').filter((l) => l.includes(SANDBOX))).toEqual([`::add-mask::${SANDBOX}`])
  })

  it('a re-run of the same workflow run returns the same record', async () => {
    const run = newRun()
    const first = await runAction({ inputs: inputs(), run, node: NODE })
    const again = await runAction({ inputs: inputs(), run: { ...run, attempt: '2' }, node: NODE })
    expect(again.code).toBe(0)
    expect(again.outputs['integration-id']).toBe(first.outputs['integration-id'])
    expect(live()).toHaveLength(1)
  })

  it('matrix legs over stores get a record each', async () => {
    const run = newRun()
    const ios = await runAction({ inputs: inputs({ title: 'Amplitude' }), run, node: NODE })
    const android = await runAction({
      inputs: inputs({ title: 'Amplitude', store: 'Android' }),
      run,
      node: NODE
    })
    expect(ios.outputs['integration-id']).not.toBe(android.outputs['integration-id'])
    expect(ios.outputs['idempotency-key']).not.toBe(android.outputs['idempotency-key'])
    expect(
      live()
        .map((r) => r.target_platform)
        .sort()
    ).toEqual(['Android', 'iOS'])
  })

  it('activate sets the new integration active', async () => {
    const result = await runAction({ inputs: inputs({ activate: 'true' }), run: newRun(), node: NODE })
    expect(result.outputs.status).toBe('1')
    expect(result.outputs['status-label']).toBe('active')
    expect(live()[0].active).toBe(1)
    expect(emu.requests().find((r) => r.path.endsWith('/status'))?.body).toEqual({ status: 1 })
  })

  it('dry-run shows the request and creates nothing', async () => {
    const result = await runAction({ inputs: inputs({ 'dry-run': 'true' }), run: newRun(), node: NODE })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Authorization: Bearer ***')
    expect(result.outputs).toEqual({ 'idempotency-key': expect.stringMatching(/^qia-/) })
    expect(posts()).toHaveLength(0)
    expect(emu.records('sandbox')).toHaveLength(0)
  })

  it('a wrong key fails with the reason and what to do', async () => {
    const result = await runAction({
      inputs: inputs({ 'secret-key': 'test_sk_wrong' }),
      run: newRun(),
      node: NODE
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::qonversion-integration-action: Creating the integration failed: HTTP 401 control_unauthorized/
    )
    expect(result.stdout).toMatch(/not the older public Project Key/)
    expect(result.stdout.split('\n').filter((l) => l.includes('test_sk_wrong'))).toEqual([
      '::add-mask::test_sk_wrong'
    ])
  })

  it('bad inputs fail before any request', async () => {
    const result = await runAction({
      inputs: inputs({ store: 'ios', title: '', 'secret-key': '' }),
      run: newRun(),
      node: NODE
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/3 inputs need fixing/)
    expect(result.stdout).toMatch(/Store names are case-sensitive: use `iOS`/)
    expect(result.stdout).toMatch(/forks and by Dependabot receive no secrets/)
    expect(emu.requests()).toHaveLength(0)
  })

  it('runs under proxy settings (HTTP_PROXY through a CONNECT proxy)', async () => {
    const tunnelled: string[] = []
    const sockets: Socket[] = []
    const proxy: Server = createServer()
    proxy.on('connect', (req, client: Socket, head) => {
      tunnelled.push(req.url ?? '')
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client).pipe(upstream)
      })
      sockets.push(client, upstream)
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
      const result = await runAction({
        inputs: inputs(),
        run: newRun(),
        node: NODE,
        env: { HTTP_PROXY: proxyUrl }
      })
      expect(result.code).toBe(0)
      expect(tunnelled).toEqual([new URL(emu.url).host])
      expect(live()).toHaveLength(1)
    } finally {
      sockets.forEach((s) => s.destroy())
      proxy.close()
    }
  })
})

describe('injected faults end with exactly one record, or a clear failure', () => {
  const createPath = { method: 'POST', path: '/v4/integrations' }

  it.each<[string, Omit<Parameters<Emulator['inject']>[0], 'match'>]>([
    ['rate-limit', { kind: 'rate-limit', count: 2, retryAfter: 1 }],
    ['server-error', { kind: 'server-error', status: 503 }],
    ['html-502', { kind: 'html-502' }],
    ['drop-before', { kind: 'drop-before' }],
    ['drop-after (stored, answer lost)', { kind: 'drop-after' }],
    ['delay past the timeout (stored late)', { kind: 'delay', delayMs: 1500 }]
  ])('%s', async (_name, fault) => {
    emu.inject({ match: createPath, ...fault })
    const result = await runAction({ inputs: inputs({ 'timeout-seconds': '1' }), run: newRun(), node: NODE })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/attempt 1 of 4 failed: .*retrying in/)
    // Wait for a delayed first attempt to finish on the server before counting.
    await new Promise((resolve) => setTimeout(resolve, fault.kind === 'delay' ? 1000 : 0))
    expect(live()).toHaveLength(1)
    expect(new Set(posts().map((p) => p.headers['idempotency-key'])).size).toBe(1)
    expect(result.outputs['integration-id']).toBe(live()[0].id)
  })

  it('honours Retry-After: waits at least what the server asked', async () => {
    emu.inject({ match: createPath, kind: 'rate-limit', count: 1, retryAfter: 1 })
    const result = await runAction({ inputs: inputs(), run: newRun(), node: NODE })
    const [first, second] = posts()
    expect(Date.parse(second.at) - Date.parse(first.at)).toBeGreaterThanOrEqual(1000)
    expect(result.stdout).toContain(
      'attempt 1 of 4 failed: HTTP 429, the API asked to wait (Retry-After); retrying in 1.0 s.'
    )
  })

  it('malformed JSON on success fails clearly', async () => {
    emu.inject({ match: createPath, kind: 'malformed-json' })
    const result = await runAction({ inputs: inputs(), run: newRun(), node: NODE })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::qonversion-integration-action: Creating the integration: the API answered HTTP 200 but the body is not valid JSON/
    )
  })

  it('persistent 5xx fails within the attempts asked for', async () => {
    emu.inject({ match: createPath, kind: 'server-error', status: 500, count: 2 })
    const result = await runAction({ inputs: inputs({ 'max-attempts': '2' }), run: newRun(), node: NODE })
    expect(result.code).toBe(1)
    expect(posts()).toHaveLength(2)
    expect(result.stdout).toMatch(/HTTP 500 internal_error.*Gave up after 2 attempts/s)
  })
})

describe('if-exists and the catalog', () => {
  const seed = (overrides: Record<string, unknown> = {}) =>
    emu.seed({
      env: 'sandbox',
      title: 'Amplitude — iOS',
      integration: 'amplitude',
      target_platform: 'iOS',
      ...overrides
    })

  it('reuse: returns the existing record, created=false, no create sent', async () => {
    const existing = seed({ active: 1 })
    const result = await runAction({ inputs: inputs({ 'if-exists': 'reuse' }), run: newRun(), node: NODE })
    expect(result.outputs).toMatchObject({ 'integration-id': existing.id, created: 'false', status: '1' })
    expect(posts()).toHaveLength(0)
  })

  it('reuse: creates when only another store or another provider matches the title', async () => {
    seed({ target_platform: 'Android' })
    seed({ integration: 'mixpanel' })
    const result = await runAction({ inputs: inputs({ 'if-exists': 'reuse' }), run: newRun(), node: NODE })
    expect(result.outputs.created).toBe('true')
    expect(live()).toHaveLength(3)
    expect(emu.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v4/integrations',
      'GET /v4/integrations/meta',
      'POST /v4/integrations'
    ])
  })

  it('reuse: two matches fail, listing both ids', async () => {
    const a = seed()
    const b = seed()
    const result = await runAction({ inputs: inputs({ 'if-exists': 'reuse' }), run: newRun(), node: NODE })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `%0A  - ${a.id}: provider “Amplitude”, store iOS%0A  - ${b.id}: provider “Amplitude”, store iOS`
    )
  })

  it('fail: stops naming the existing id', async () => {
    const existing = seed()
    const result = await runAction({ inputs: inputs({ 'if-exists': 'fail' }), run: newRun(), node: NODE })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`already exists: ${existing.id}`)
  })

  it('reuse of an errored record warns; with activate it is set active', async () => {
    const existing = seed({
      active: 2,
      last_error_message: 'Amplitude rejected the API key',
      last_error_at: '2026-11-26T08:00:00Z'
    })
    const result = await runAction({
      inputs: inputs({ 'if-exists': 'reuse', activate: 'true' }),
      run: newRun(),
      node: NODE
    })
    expect(result.stdout).toMatch(
      /::warning::Integration \w+ was in the error state\. Last error: Amplitude rejected the API key \(at 2026-11-26T08:00:00Z\)/
    )
    expect(result.outputs).toMatchObject({ 'integration-id': existing.id, status: '1', created: 'false' })
  })

  it('reuse of an active record with activate sends no status call', async () => {
    seed({ active: 1 })
    const result = await runAction({
      inputs: inputs({ 'if-exists': 'reuse', activate: 'true' }),
      run: newRun(),
      node: NODE
    })
    expect(result.code).toBe(0)
    expect(emu.requests().filter((r) => r.path.endsWith('/status'))).toHaveLength(0)
  })

  it('an unknown slug is refused by the API and explained with the closest slug', async () => {
    const result = await runAction({ inputs: inputs({ provider: 'amplitud' }), run: newRun(), node: NODE })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/HTTP 422 invalid_data/)
    expect(result.stdout).toMatch(/did you mean `amplitude`\?/)
  })

  it('an unsupported store is explained with the stores the provider supports', async () => {
    const result = await runAction({
      inputs: inputs({ provider: 'searchads', store: 'Android' }),
      run: newRun(),
      node: NODE
    })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/`searchads` supports only iOS, not Android/)
  })

  it('dry-run reports an unsupported store before anything would be sent, and what reuse would do', async () => {
    const refused = await runAction({
      inputs: inputs({ provider: 'searchads', store: 'Stripe', 'dry-run': 'true' }),
      run: newRun(),
      node: NODE
    })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(
      /Dry run: Qonversion would refuse this request: `searchads` supports only iOS, not Stripe/
    )
    const existing = seed()
    const reuse = await runAction({
      inputs: inputs({ 'if-exists': 'reuse', 'dry-run': 'true' }),
      run: newRun(),
      node: NODE
    })
    expect(reuse.stdout).toContain(`Dry run: would reuse the existing integration ${existing.id}.`)
    expect(posts()).toHaveLength(0)
  })
})
