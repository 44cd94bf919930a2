// End to end on the committed bundles (issue 15, "the same integration, every time"): a title with a tab and 252
// emoji matches on the next run of both actions against the emulator, server text reaches outputs exactly and the
// log escaped, and an answer about another record — which the emulator never gives, so a stub plays it — is refused.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/run-action.mjs'
import { NODE, NODE_NAME, SANDBOX, emulatorForFile } from '../../__fixtures__/e2e.js'

const FILE = '.github/qonversion-integrations.yml'
const { emu, newRun, live, writes, inputs } = emulatorForFile(9000)

/** 255 characters: a tab and 252 emoji (507 UTF-16 units). */
const TITLE = `A\tB${'😀'.repeat(252)}`
/** As Qonversion may hold a title: with a trailing line break. */
const STORED = `Old\t${'😀'.repeat(250)}\n`

const single = (withInputs: Record<string, string>) =>
  runAction({ inputs: withInputs, run: newRun(), node: NODE })
const manifest = (mode: string, file: string, apiUrl = emu.apiUrl) =>
  runAction({
    action: 'manifest',
    inputs: { mode, 'secret-key': SANDBOX, 'api-url': apiUrl },
    files: { [FILE]: file },
    run: newRun(),
    node: NODE
  })
const planOf = (outputs: Record<string, string>) => JSON.parse(outputs.plan) as Record<string, string>[]
const fileWith = (title: string) =>
  `integrations:\n  - title: ${JSON.stringify(title)}\n    provider: amplitude\n    store: iOS\n`

/** A stub Qonversion API that answers from `route`, recording every request as `METHOD path`. */
async function stub(route: (method: string, path: string) => [number, unknown]) {
  const seen: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`)
      const [status, body] = route(req.method ?? '', req.url ?? '')
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4`,
    seen,
    close: () => {
      server.closeAllConnections()
      server.close()
    }
  }
}

/** Our own record, paused, as the list shows it: what a status change is asked for. */
const FOUND = {
  id: 'amp1',
  title: 'Amplitude — iOS',
  integration: 'Amplitude',
  target_platform: 'iOS',
  active: 0
}
const OTHER = {
  id: 'OTHER123',
  title: 'Someone else’s',
  integration: 'Mixpanel',
  target_platform: 'Android',
  active: 0
}

describe(`exact server text, on the bundles (${NODE_NAME})`, () => {
  it('single action, `if-exists: reuse`: the title is created once, found on the next run, output exactly', async () => {
    const first = await single(inputs({ title: TITLE, 'if-exists': 'reuse' }))
    expect(first.code).toBe(0)
    expect(live().map((r) => r.title)).toEqual([TITLE])
    const again = await single(inputs({ title: TITLE, 'if-exists': 'reuse' }))
    expect(again.code).toBe(0)
    expect(again.outputs['integration-id']).toBe(first.outputs['integration-id'])
    expect(again.outputs.created).toBe('false')
    expect(JSON.parse(again.outputs.integration)).toMatchObject({ title: TITLE })
    expect(writes()).toHaveLength(1)
  })

  it('single action: a stored error message with a line break is output exactly and logged escaped', async () => {
    const [stored] = emu.seed([
      {
        title: TITLE,
        integration: 'amplitude',
        target_platform: 'iOS',
        active: 2,
        last_error_message: 'Invalid key\n::warning::pwned',
        last_error_at: '2026-11-27T10:00:00Z'
      }
    ])
    const result = await single(inputs({ title: TITLE, 'if-exists': 'reuse' }))
    expect(result.code).toBe(0)
    expect(result.outputs['integration-id']).toBe(stored.id)
    expect(result.outputs['last-error']).toBe('Invalid key\n::warning::pwned')
    expect(result.stdout).toContain('Last error: Invalid key\\n::warning::pwned')
    expect(result.stdout).not.toMatch(/^::warning::pwned/m)
    expect(writes()).toHaveLength(0)
  })

  it('manifest: apply creates the title, plan and check then match it; an unmanaged stored line break is handed on exactly', async () => {
    const [old] = emu.seed([{ title: STORED, integration: 'slack', target_platform: 'iOS', active: 1 }])
    const file = fileWith(TITLE)
    const apply = await manifest('apply', file)
    expect(apply.code).toBe(0)
    const created = live().find((r) => r.title === TITLE)!
    expect(JSON.parse(apply.outputs.integrations)).toEqual({ [`${TITLE} (iOS)`]: created.id })
    const writesAfterApply = writes().length

    for (const mode of ['plan', 'check']) {
      const run = await manifest(mode, file)
      expect(run.code).toBe(0)
      expect(run.outputs.changes).toBe('0')
      expect(run.outputs.drift).toBe('false')
      expect(planOf(run.outputs).map((r) => [r.title, r.action, r.id])).toEqual([
        [TITLE, 'reuse', created.id],
        [STORED, 'nothing', old.id]
      ])
      expect(run.stdout).toMatch(/^none +“Old\\t😀/m)
      expect(run.stdout).not.toMatch(/^😀/m)
    }
    expect(writes()).toHaveLength(writesAfterApply)
  })
})

describe(`the answer must be the record asked for, on the bundles (${NODE_NAME})`, () => {
  it('single action: a create answered with another integration fails naming both and the key; nothing activated or output', async () => {
    const api = await stub((method, path) =>
      method === 'POST' && path === '/v4/integrations' ? [201, OTHER] : [500, {}]
    )
    try {
      const result = await single(
        inputs({ 'api-url': api.url, activate: 'true', 'idempotency-key': 'shared-key' })
      )
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(
        'The create was answered with another integration: asked for “Amplitude — iOS” (amplitude, iOS), answered OTHER123 “Someone else’s” (Mixpanel, Android). The idempotency key `shared-key` was already used'
      )
      expect(api.seen.filter((s) => s.startsWith('POST'))).toEqual(['POST /v4/integrations'])
      expect(result.outputs).toEqual({ 'idempotency-key': 'shared-key' })
    } finally {
      api.close()
    }
  })

  it('single action: a status answer for another id fails; the record found is the output', async () => {
    const api = await stub((method) =>
      method === 'GET' ? [200, { object: 'list', data: [FOUND] }] : [200, { ...OTHER, active: 1 }]
    )
    try {
      const result = await single(inputs({ 'api-url': api.url, activate: 'true', 'if-exists': 'reuse' }))
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(
        'Activating amp1 “Amplitude — iOS” (Amplitude, iOS) was answered with another integration, OTHER123'
      )
      expect(result.outputs['integration-id']).toBe('amp1')
    } finally {
      api.close()
    }
  })

  it('manifest apply: a create answered with another integration fails the entry and is never activated', async () => {
    const api = await stub((method) =>
      method === 'GET' ? [200, { object: 'list', data: [] }] : [201, OTHER]
    )
    try {
      const result = await manifest('apply', fileWith('Amplitude — iOS'), api.url)
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(
        `${FILE}:2 “Amplitude — iOS”: The create was answered with another integration`
      )
      expect(api.seen.filter((s) => s.startsWith('POST'))).toEqual(['POST /v4/integrations'])
      expect(JSON.parse(result.outputs.integrations)).toEqual({})
      expect(result.outputs.changes).toBe('0')
    } finally {
      api.close()
    }
  })

  it('manifest apply: a status answer for another id fails the entry', async () => {
    const api = await stub((method) =>
      method === 'GET' ? [200, { object: 'list', data: [FOUND] }] : [200, { ...OTHER, active: 1 }]
    )
    try {
      const result = await manifest('apply', fileWith('Amplitude — iOS'), api.url)
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(
        'Activating amp1 “Amplitude — iOS” (Amplitude, iOS) was answered with another integration, OTHER123'
      )
      expect(result.outputs.changes).toBe('0')
    } finally {
      api.close()
    }
  })
})
