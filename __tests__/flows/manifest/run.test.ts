// The manifest action in-process against nock: plan, apply and check over one file, seen from the runner's side,
// with what was sent to the API and to GitHub asserted as well as the outputs.
import { describe, expect, it, jest } from '@jest/globals'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, MANIFEST, SECRET, record, runManifest } from '../../../__fixtures__/run-manifest.js'
import type { HttpRequest, HttpResponse, Transport } from '../../../src/net/retry.js'
import { readOnly } from '../../../src/net/transport.js'

useNock()

interface Sent {
  method: string
  path: string
  body: unknown
  key: string | undefined
}

const TITLES: Record<string, string> = {
  amplitude: 'Amplitude',
  appsflyer: 'AppsFlyer',
  braze: 'Braze',
  mixpanel: 'Mixpanel',
  slack: 'Slack',
  webhooks: 'Webhooks'
}

/** GET /integrations/meta as the API answers it: providers with their display titles. */
const CATALOG = {
  object: 'list',
  data: [
    {
      category: 'analytics',
      title: 'Analytics',
      integrations: Object.entries(TITLES).map(([slug, title]) => ({
        slug,
        title,
        allowedStores: ['iOS', 'Android', 'Stripe']
      }))
    }
  ]
}

const STATUS_PATH = /^\/v4\/integrations\/([^/]+)\/status$/

/**
 * A Qonversion project behind nock: list, catalog, create and status over `initial`, recording every request.
 * `override` answers a request itself when it returns a reply (a refusal, say). Bodies are checked as the API
 * documents them, so a malformed request fails the test rather than passing unnoticed.
 */
function project(
  initial: Record<string, unknown>[] = [],
  override: (sent: Sent) => [number, unknown] | undefined = () => undefined
) {
  const records = initial.map((r) => ({ ...r }))
  const sent: Sent[] = []
  let created = 0
  const note = (req: { method?: string; headers: Record<string, string> }, path: string, body: unknown) => {
    expect(req.headers.authorization).toBe(`Bearer ${SECRET}`)
    const s = {
      method: req.method ?? '',
      path,
      body: body === '' ? undefined : body,
      key: req.headers['idempotency-key']
    }
    sent.push(s)
    return s
  }
  nock(API)
    .persist()
    .get('/integrations')
    .reply(function (uri) {
      return override(note(this.req, uri, '')) ?? [200, { object: 'list', data: records }]
    })
    .get('/integrations/meta')
    .reply(function (uri) {
      return override(note(this.req, uri, '')) ?? [200, CATALOG]
    })
    .post('/integrations')
    .reply(function (uri, body) {
      const s = note(this.req, uri, body)
      const answer = override(s)
      if (answer) return answer
      const wanted = body as { title: string; integration: string; target_platform: string }
      expect(Object.keys(wanted).sort()).toEqual(['integration', 'target_platform', 'title'])
      expect(s.key).toMatch(/^qia-\d+-[0-9a-f]{32}$/)
      const id = `new${++created}`
      const made = record({
        id,
        url: `/v4/integrations/${id}`,
        title: wanted.title,
        integration: TITLES[wanted.integration] ?? wanted.integration,
        target_platform: wanted.target_platform,
        active: 0
      })
      records.push(made)
      return [201, made]
    })
    .post((path) => STATUS_PATH.test(path))
    .reply(function (uri, body) {
      const s = note(this.req, uri, body)
      const answer = override(s)
      if (answer) return answer
      expect(body).toEqual({ status: expect.any(Number) })
      const found = records.find((r) => r.id === STATUS_PATH.exec(uri)![1])
      if (!found)
        return [404, { error: { type: 'resource', code: 'resource_not_found', message: 'No such id' } }]
      found.active = (body as { status: number }).status
      return [200, found]
    })
  return {
    records,
    sent,
    writes: () => sent.filter((s) => s.method !== 'GET'),
    creates: () => sent.filter((s) => s.method === 'POST' && s.path === '/v4/integrations')
  }
}

const lines = (...text: string[]): string => `${text.join('\n')}\n`
const at = (line: number): string => `${MANIFEST}:${line}`
const planOf = (outputs: Record<string, string>) => JSON.parse(outputs.plan) as Record<string, string>[]

/** Lines 2, 5, 8, 12, 16: reuse, create, activate, pause, conflict (another provider under that title and store). */
const EVERY_ACTION = lines(
  'integrations:', //                 1
  '  - title: Amplitude — iOS', //    2
  '    provider: amplitude',
  '    store: iOS',
  '  - title: AppsFlyer', //          5
  '    provider: appsflyer',
  '    store: Android',
  '  - title: Mixpanel — iOS', //     8
  '    provider: mixpanel',
  '    store: iOS',
  '    active: true',
  '  - title: Webhook', //            12
  '    provider: webhooks',
  '    store: Stripe',
  '    active: false',
  '  - title: Braze — iOS', //        16
  '    provider: braze',
  '    store: iOS'
)
const EXISTING = [
  record({
    id: 'amp1',
    title: 'Amplitude — iOS',
    integration: 'Amplitude',
    target_platform: 'iOS',
    active: 1
  }),
  record({ id: 'mix1', title: 'Mixpanel — iOS', integration: 'Mixpanel', target_platform: 'iOS', active: 0 }),
  record({ id: 'web1', title: 'Webhook', integration: 'Webhooks', target_platform: 'Stripe', active: 1 }),
  record({ id: 'amp2', title: 'Braze — iOS', integration: 'Amplitude', target_platform: 'iOS', active: 1 }),
  record({ id: 'old1', title: 'Old Slack', integration: 'Slack', target_platform: 'Android', active: 1 })
]

describe('plan', () => {
  it('shows every planned action in the `plan` output and the summary table, and sends no write', async () => {
    const api = project(EXISTING)
    const result = await runManifest({ manifest: EVERY_ACTION })

    expect(planOf(result.outputs)).toEqual([
      row('Amplitude — iOS', 'amplitude', 'iOS', 'reuse', 'amp1', 'idle', 2),
      row('AppsFlyer', 'appsflyer', 'Android', 'create', '', '', 5),
      row('Mixpanel — iOS', 'mixpanel', 'iOS', 'activate', 'mix1', 'paused', 8),
      row('Webhook', 'webhooks', 'Stripe', 'pause', 'web1', 'idle', 12),
      {
        // The record in the way is shown, so the reader sees what to resolve.
        ...row('Braze — iOS', 'braze', 'iOS', 'conflict', 'amp2', 'idle', 16),
        error: expect.stringContaining('another provider')
      },
      { ...row('Old Slack', 'Slack', 'Android', 'nothing', 'old1', 'idle', 0), source: 'unmanaged' }
    ])
    // The Action column says everything apply will do: the manifest's create activates too.
    const table = [
      '| Entry | Provider | Store | Action | Current id | Health |',
      `| Amplitude — iOS <sub>${at(2)}</sub> | \`amplitude\` | iOS | none | \`amp1\` | idle |`,
      `| AppsFlyer <sub>${at(5)}</sub> | \`appsflyer\` | Android | create + activate | — | — |`,
      `| Mixpanel — iOS <sub>${at(8)}</sub> | \`mixpanel\` | iOS | activate | \`mix1\` | paused |`,
      `| Webhook <sub>${at(12)}</sub> | \`webhooks\` | Stripe | pause | \`web1\` | idle |`,
      `| Braze — iOS <sub>${at(16)}</sub> | \`braze\` | iOS | **conflict** | \`amp2\` | idle |`,
      '| Old Slack <sub>unmanaged</sub> | `Slack` | Android | none | `old1` | idle |'
    ]
    for (const line of table) expect(result.summary).toContain(line)
    expect(result.summary).toContain('### Qonversion integrations — plan: 3 change(s) planned — failed')
    expect(result.outputs.changes).toBe('3')
    expect(result.outputs.drift).toBe('true')
    expect(JSON.parse(result.outputs.integrations)).toEqual({
      'Amplitude — iOS (iOS)': 'amp1',
      'Mixpanel — iOS (iOS)': 'mix1',
      'Webhook (Stripe)': 'web1'
    })
    // A conflict fails the plan; the catalog was read because a provider had to be told apart, and nothing else.
    expect(result.failed).toBe(true)
    expect(api.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /v4/integrations',
      'GET /v4/integrations/meta'
    ])
    expect(result.summary).not.toContain(SECRET)
  })

  it('passes with exit 0 when nothing conflicts, reading the list and the catalog once each', async () => {
    const api = project([EXISTING[0]])
    const result = await runManifest({
      manifest: lines('integrations:', '  - {title: AppsFlyer, provider: appsflyer, store: Android}'),
      // `require` is for apply and check: plan does not fail on the paused record it would create.
      inputs: { require: 'delivering' }
    })
    expect(result.failed).toBe(false)
    expect(planOf(result.outputs).map((r) => r.action)).toEqual(['create', 'nothing'])
    expect(result.outputs.changes).toBe('1')
    expect(result.outputs.drift).toBe('true')
    expect(api.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /v4/integrations',
      'GET /v4/integrations/meta'
    ])
    expect(result.stdout).toContain(`create + activate “AppsFlyer” (appsflyer, Android) — ${at(2)}`)
  })
})

function row(
  title: string,
  provider: string,
  store: string,
  action: string,
  id: string,
  health: string,
  line: number
) {
  const effect = { create: 'create + activate', reuse: 'none', nothing: 'none' }[action] ?? action
  return { title, provider, store, action, effect, id, health, source: at(line) }
}

describe('plan and check send no write', () => {
  it.each(['plan', 'check'])(
    '%s: creates, activations and pauses are planned; the API (accepting POSTs) gets only GETs',
    async (mode) => {
      const api = project(EXISTING.filter((r) => r.id !== 'amp2'))
      const result = await runManifest({
        manifest: EVERY_ACTION.split('\n').slice(0, 15).join('\n'),
        inputs: { mode, prune: 'pause' }
      })
      expect(planOf(result.outputs).map((r) => r.action)).toEqual([
        'reuse',
        'create',
        'activate',
        'pause',
        'pause'
      ])
      expect(result.outputs.changes).toBe('4')
      expect(api.writes()).toEqual([])
      expect(api.sent.every((s) => s.method === 'GET')).toBe(true)
      expect(result.failed).toBe(mode === 'check')
    }
  )

  it('the read-only transport refuses a POST before it reaches the network, and lets a GET through', async () => {
    const answer: HttpResponse = { status: 200, headers: { get: () => null }, body: '[]' }
    const inner = jest.fn<Transport>(() => Promise.resolve(answer))
    const guarded = readOnly(inner)
    const post: HttpRequest = {
      method: 'POST',
      url: `${API}/integrations`,
      headers: { 'Idempotency-Key': 'k' },
      body: '{}'
    }
    const signal = new AbortController().signal
    await expect(guarded(post, signal)).rejects.toThrow(
      'read-only mode: refused to send POST /v4/integrations'
    )
    await expect(guarded({ ...post, url: `${API}/integrations/x/status` }, signal)).rejects.toThrow(
      'refused to send POST /v4/integrations/x/status'
    )
    expect(inner).not.toHaveBeenCalled()
    const get: HttpRequest = { method: 'GET', url: `${API}/integrations`, headers: {} }
    await expect(guarded(get, signal)).resolves.toBe(answer)
    expect(inner).toHaveBeenCalledWith(get, signal)
  })
})

describe('conflicts', () => {
  // Line 2: another provider holds the title and store. Line 5: two records match. Lines 8 and 11: create, activate.
  const MANIFEST_WITH_CONFLICTS = lines(
    'integrations:',
    '  - title: Braze — iOS', //        2
    '    provider: braze',
    '    store: iOS',
    '  - title: AppsFlyer', //          5
    '    provider: appsflyer',
    '    store: Android',
    '  - title: Slack alerts', //       8
    '    provider: slack',
    '    store: Stripe',
    '  - title: Mixpanel — iOS', //     11
    '    provider: mixpanel',
    '    store: iOS'
  )
  const RECORDS = [
    record({ id: 'amp2', title: 'Braze — iOS', integration: 'Amplitude', target_platform: 'iOS' }),
    record({ id: 'af1', title: 'AppsFlyer', integration: 'AppsFlyer', target_platform: 'Android' }),
    record({ id: 'af2', title: 'AppsFlyer', integration: 'AppsFlyer', target_platform: 'Android' }),
    record({
      id: 'mix1',
      title: 'Mixpanel — iOS',
      integration: 'Mixpanel',
      target_platform: 'iOS',
      active: 0
    })
  ]

  // check also fails on the drift of the two other entries.
  it.each([
    ['plan', 2],
    ['apply', 2],
    ['check', 4]
  ])('fail the step in %s, naming each with its line', async (mode, failing) => {
    const api = project(RECORDS)
    const result = await runManifest({ manifest: MANIFEST_WITH_CONFLICTS, inputs: { mode } })

    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      new RegExp(`^qonversion-integration-action/manifest: ${failing} integration\\(s\\) need attention:`)
    )
    expect(result.failure).toContain(
      `${at(2)} “Braze — iOS”: “Braze — iOS” (braze, iOS): the project has an integration with this title and store but another provider:`
    )
    expect(result.failure).toContain('amp2: provider “Amplitude”, store iOS')
    expect(result.failure).toContain(
      `${at(5)} “AppsFlyer”: Found 2 integrations “AppsFlyer” (appsflyer, Android)`
    )
    expect(result.failure).toMatch(/af1: .*\n.*af2: /)
    expect(planOf(result.outputs).map((r) => r.action)).toEqual([
      'conflict',
      'conflict',
      'create',
      'activate'
    ])
    // A conflicting entry has no id of its own: the records in its way are not given out as its id.
    expect(Object.keys(JSON.parse(result.outputs.integrations) as object)).not.toContain('Braze — iOS (iOS)')
    expect(Object.keys(JSON.parse(result.outputs.integrations) as object)).not.toContain(
      'AppsFlyer (Android)'
    )
    // Never fixed automatically; in apply the other entries are still carried out.
    const writes = api.writes().map((s) => ({ path: s.path, body: s.body }))
    if (mode === 'apply') {
      expect(writes).toEqual(
        expect.arrayContaining([
          {
            path: '/v4/integrations',
            body: { title: 'Slack alerts', integration: 'slack', target_platform: 'Stripe' }
          },
          { path: '/v4/integrations/new1/status', body: { status: 1 } },
          { path: '/v4/integrations/mix1/status', body: { status: 1 } }
        ])
      )
      expect(writes).toHaveLength(3)
      expect(result.outputs.changes).toBe('2')
    } else {
      expect(writes).toEqual([])
    }
    if (mode === 'check') {
      expect(result.failure).toContain(`${at(8)} “Slack alerts”: drift — \`apply\` would create + activate.`)
      expect(result.failure).toContain(`${at(11)} “Mixpanel — iOS”: drift — \`apply\` would activate mix1.`)
    }
  })
})

describe('unmanaged records', () => {
  const ONE = lines('integrations:', '  - {title: AppsFlyer, provider: appsflyer, store: Android}')
  const UNMANAGED = [
    record({ id: 'af1', title: 'AppsFlyer', integration: 'AppsFlyer', target_platform: 'Android' }),
    record({ id: 'old1', title: 'Old Slack', integration: 'Slack', target_platform: 'Android', active: 1 }),
    record({ id: 'old2', title: 'Old Braze', integration: 'Braze', target_platform: 'iOS', active: 0 })
  ]

  it('are reported and left alone without prune', async () => {
    const api = project(UNMANAGED)
    const result = await runManifest({ manifest: ONE, inputs: { mode: 'apply' } })
    expect(result.failed).toBe(false)
    expect(planOf(result.outputs).filter((r) => r.source === 'unmanaged')).toEqual([
      expect.objectContaining({
        title: 'Old Slack',
        action: 'nothing',
        id: 'old1',
        result: 'unchanged (active)'
      }),
      expect.objectContaining({
        title: 'Old Braze',
        action: 'nothing',
        id: 'old2',
        result: 'unchanged (paused)'
      })
    ])
    expect(result.summary).toContain('| Old Slack <sub>unmanaged</sub> | `Slack` | Android | none | `old1` |')
    expect(JSON.parse(result.outputs.integrations)).toEqual({ 'AppsFlyer (Android)': 'af1' })
    expect(result.outputs.drift).toBe('false')
    expect(api.writes()).toEqual([])
  })

  it('with prune: pause, an active one is planned as pause in plan', async () => {
    const api = project(UNMANAGED)
    const result = await runManifest({ manifest: ONE, inputs: { prune: 'pause' } })
    expect(result.failed).toBe(false)
    expect(planOf(result.outputs).map((r) => [r.id, r.action])).toEqual([
      ['af1', 'reuse'],
      ['old1', 'pause'],
      ['old2', 'nothing']
    ])
    expect(result.summary).toContain(
      '| Old Slack <sub>unmanaged</sub> | `Slack` | Android | pause (prune) | `old1` | idle |'
    )
    expect(result.outputs.changes).toBe('1')
    expect(result.outputs.drift).toBe('true')
    expect(api.writes()).toEqual([])
  })

  it('with prune: pause, an active one is paused in apply — and nothing is deleted', async () => {
    const api = project(UNMANAGED)
    const result = await runManifest({ manifest: ONE, inputs: { mode: 'apply', prune: 'pause' } })
    expect(result.failed).toBe(false)
    expect(api.writes()).toEqual([
      { method: 'POST', path: '/v4/integrations/old1/status', body: { status: 0 }, key: undefined }
    ])
    expect(planOf(result.outputs)[1]).toMatchObject({
      id: 'old1',
      action: 'pause',
      result: 'paused',
      health: 'paused'
    })
    expect(api.records.map((r) => [r.id, r.active])).toEqual([
      ['af1', 1],
      ['old1', 0],
      ['old2', 0]
    ])
  })

  it('server text in the failure below the summary table renders nothing: the block cannot be closed early', async () => {
    project([
      record({
        id: 'evil1',
        title: 'x</code></pre>\n\n# INJECTED <img src="https://evil.example/t.png">',
        integration: 'Slack',
        target_platform: 'iOS',
        active: 1
      })
    ])
    const result = await runManifest({ manifest: ONE, inputs: { mode: 'check', prune: 'pause' } })
    expect(result.failed).toBe(true)
    expect(result.summary).not.toContain('<img')
    expect(result.summary).not.toContain('x</code>')
    expect(result.summary).toContain('x&lt;/code&gt;&lt;/pre&gt;\\n\\n# INJECTED &lt;img')
  })

  it('with prune: pause, check fails on an active one', async () => {
    project(UNMANAGED)
    const result = await runManifest({ manifest: ONE, inputs: { mode: 'check', prune: 'pause' } })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('unmanaged “Old Slack”: drift — `apply` would pause (prune) old1.')
  })
})

describe('apply', () => {
  const THREE = lines(
    'integrations:',
    '  - title: Amplitude — iOS', //   2
    '    provider: amplitude',
    '    store: iOS',
    '  - title: Webhook', //           5
    '    provider: webhooks',
    '    store: Stripe',
    '    active: false',
    '  - title: AppsFlyer', //         9
    '    provider: appsflyer',
    '    store: Android',
    '    active: false'
  )

  it('creates and activates as planned, with outputs for every entry', async () => {
    const api = project()
    const result = await runManifest({ manifest: THREE, inputs: { mode: 'apply' } })
    expect(result.failed).toBe(false)
    expect(api.writes().map((s) => [s.path, s.body])).toEqual(
      expect.arrayContaining([
        ['/v4/integrations', { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' }],
        ['/v4/integrations', { title: 'Webhook', integration: 'webhooks', target_platform: 'Stripe' }],
        ['/v4/integrations', { title: 'AppsFlyer', integration: 'appsflyer', target_platform: 'Android' }]
      ])
    )
    // Only the entry that should be active is activated after its create.
    const amplitude = api.records.find((r) => r.title === 'Amplitude — iOS')!
    expect(api.writes().filter((s) => s.path.endsWith('/status'))).toEqual([
      {
        method: 'POST',
        path: `/v4/integrations/${amplitude.id as string}/status`,
        body: { status: 1 },
        key: undefined
      }
    ])
    expect(planOf(result.outputs).map((r) => [r.title, r.action, r.result, r.health])).toEqual([
      ['Amplitude — iOS', 'create', 'created and set active', 'idle'],
      ['Webhook', 'create', 'created (paused)', 'paused'],
      ['AppsFlyer', 'create', 'created (paused)', 'paused']
    ])
    const ids = Object.fromEntries(
      api.records.map((r) => [`${r.title as string} (${r.target_platform as string})`, r.id])
    )
    expect(JSON.parse(result.outputs.integrations)).toEqual(ids)
    expect(result.outputs.changes).toBe('3')
    expect(result.outputs.drift).toBe('true')
    expect(result.summary).toContain('### Qonversion integrations — apply: 3 change(s) made')
    expect(result.summary).toContain('| Entry | Provider | Store | Action | Current id | Health | Result |')
  })

  it('attempts every entry when one create fails, and fails listing that entry with its file:line', async () => {
    const api = project([], (sent) =>
      sent.method === 'POST' && (sent.body as { title?: string }).title === 'Webhook'
        ? [
            422,
            {
              error: {
                type: 'request',
                code: 'invalid_data',
                message: 'The given data was invalid.',
                details: [{ field: 'title', message: 'Title is reserved.' }]
              }
            }
          ]
        : undefined
    )
    const result = await runManifest({ manifest: THREE, inputs: { mode: 'apply', concurrency: '1' } })

    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /^qonversion-integration-action\/manifest: 1 integration\(s\) need attention:\n/
    )
    expect(result.failure).toContain(
      `  - ${at(5)} “Webhook”: Creating the integration failed: HTTP 422 invalid_data — The given data was invalid.`
    )
    expect(result.failure).toContain('title: Title is reserved.')
    expect(result.failure).not.toContain('AppsFlyer')
    // The entry after the failed one was still created (concurrency 1 keeps the file's order).
    expect(api.creates().map((s) => (s.body as { title: string }).title)).toEqual([
      'Amplitude — iOS',
      'Webhook',
      'AppsFlyer'
    ])
    expect(planOf(result.outputs).map((r) => [r.title, r.result, r.error !== undefined])).toEqual([
      ['Amplitude — iOS', 'created and set active', false],
      ['Webhook', 'failed', true],
      ['AppsFlyer', 'created (paused)', false]
    ])
    expect(result.outputs.changes).toBe('2')
    expect(result.summary).toContain('### Qonversion integrations — apply: 2 change(s) made — failed')
    expect(result.summary).toContain('| failed: Creating the integration failed: HTTP 422 invalid_data')
  })

  it('a re-run of the same run sends the same Idempotency-Key per entry, so the API replays', async () => {
    const keysOf = async (env: Record<string, string>) => {
      const api = project()
      const result = await runManifest({ manifest: THREE, inputs: { mode: 'apply' }, env })
      expect(result.failed).toBe(false)
      nock.cleanAll()
      return Object.fromEntries(api.creates().map((s) => [(s.body as { title: string }).title, s.key]))
    }
    const first = await keysOf({ GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' })
    const rerun = await keysOf({ GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '2' })
    expect(rerun).toEqual(first)
    expect(Object.values(first)).toHaveLength(3)
    expect(new Set(Object.values(first)).size).toBe(3) // one key per entry
    for (const key of Object.values(first)) expect(key).toMatch(/^qia-4242-[0-9a-f]{32}$/)
    // Another workflow run derives other keys: only a re-run replays.
    const other = await keysOf({ GITHUB_RUN_ID: '4243', GITHUB_RUN_ATTEMPT: '1' })
    expect(Object.values(other).some((key) => Object.values(first).includes(key))).toBe(false)
  })

  it('a second apply once the records exist creates nothing', async () => {
    const api = project()
    const first = await runManifest({ manifest: THREE, inputs: { mode: 'apply' } })
    expect(first.outputs.changes).toBe('3')
    const writesBefore = api.writes().length
    const second = await runManifest({
      manifest: THREE,
      inputs: { mode: 'apply' },
      env: { GITHUB_RUN_ID: '5000' }
    })
    expect(second.failed).toBe(false)
    expect(api.writes()).toHaveLength(writesBefore)
    expect(planOf(second.outputs).map((r) => r.action)).toEqual(['reuse', 'reuse', 'reuse'])
    expect(second.outputs.changes).toBe('0')
    expect(second.outputs.drift).toBe('false')
    expect(second.outputs.integrations).toBe(first.outputs.integrations)
    expect(api.records).toHaveLength(3)
  })
})

describe('shared backoff under 429', () => {
  it('with concurrency 4, one create answered 429 Retry-After: 2 holds back every worker until then', async () => {
    const START = 1_700_000_000_000
    let clock = START
    // Virtual time: a sleep ends when the clock reaches it; the clock moves only once no request is in flight.
    const timers: { at: number; wake: () => void }[] = []
    let inFlight = 0
    let mostInFlight = 0
    const tick = (): void => {
      if (timers.length === 0) return
      if (inFlight > 0) return void setImmediate(tick)
      timers.sort((a, b) => a.at - b.at)
      const next = timers.shift()!
      clock = Math.max(clock, next.at)
      next.wake()
      setImmediate(tick)
    }
    const sleep = (ms: number) =>
      new Promise<void>((wake) => {
        timers.push({ at: clock + ms, wake })
        setImmediate(tick)
      })

    // The network edge: answers the list at once, the first create of `Entry 1` with 429 and every other create
    // with 201, each one macrotask later, so the 429 is known before the other workers go on to their next entries.
    const log: { at: number; method: string; title?: string; status: number }[] = []
    let limited = false
    let made = 0
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
      status,
      headers: { get: (name) => headers[name.toLowerCase()] ?? null },
      body: JSON.stringify(body)
    })
    const transport: Transport = (request) => {
      if (request.method === 'GET') return Promise.resolve(answer(200, { object: 'list', data: [] }))
      const { title, integration, target_platform } = JSON.parse(request.body!) as Record<string, string>
      const entry = { at: clock, method: request.method, title, status: 0 }
      log.push(entry)
      inFlight++
      mostInFlight = Math.max(mostInFlight, inFlight)
      const refuse = title === 'Entry 1' && !limited
      limited ||= refuse
      // Every answer comes a macrotask later, in the order sent: the 429 (sent first) is read first.
      return new Promise((resolve) =>
        setImmediate(() => {
          inFlight--
          entry.status = refuse ? 429 : 201
          if (refuse) {
            const limit = { error: { type: 'request', code: 'rate_limit_exceeded' } }
            return resolve(answer(429, limit, { 'retry-after': '2' }))
          }
          const id = `id${++made}`
          resolve(answer(201, record({ id, title, integration, target_platform, active: 0 })))
        })
      )
    }

    const manifest = lines(
      'integrations:',
      ...Array.from(
        { length: 8 },
        (_, i) => `  - {title: Entry ${i + 1}, provider: webhooks, store: iOS, active: false}`
      )
    )
    const result = await runManifest(
      { manifest, inputs: { mode: 'apply', concurrency: '4' } },
      { transport, sleep, now: () => clock }
    )

    expect(result.failed).toBe(false)
    expect(result.outputs.changes).toBe('8')
    const limitedAt = log.findIndex((e) => e.status === 429)
    expect(limitedAt).toBe(0)
    // Four writes went out together before the 429 came back; never more than four in flight.
    expect(log.slice(0, 4).map((e) => [e.title, e.at])).toEqual([
      ['Entry 1', START],
      ['Entry 2', START],
      ['Entry 3', START],
      ['Entry 4', START]
    ])
    expect(mostInFlight).toBe(4)
    // After the 429: nothing before Retry-After allows, from any worker — the retry of Entry 1 included.
    const after = log.slice(4)
    expect(after.map((e) => e.title).sort()).toEqual(['Entry 1', 'Entry 5', 'Entry 6', 'Entry 7', 'Entry 8'])
    for (const e of after) expect(e.at).toBeGreaterThanOrEqual(START + 2000)
    expect(result.stdout).toContain(
      'POST /v4/integrations: attempt 1 of 4 failed: HTTP 429, the API asked to wait (Retry-After); retrying in 2.0 s.'
    )
  })
})

describe('the require gate', () => {
  const TWO = lines(
    'integrations:',
    '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}', //      2
    '  - {title: Webhook, provider: webhooks, store: Stripe, active: false}' // 3
  )
  const DELIVERING = record({
    id: 'amp1',
    title: 'Amplitude — iOS',
    active: 1,
    last_delivery_at: '2026-11-27T11:00:00Z'
  })

  it('check: every listed integration must meet `require`; unmanaged ones are not judged', async () => {
    const api = project([
      DELIVERING,
      record({ id: 'web1', title: 'Webhook', integration: 'Webhooks', target_platform: 'Stripe', active: 0 }),
      record({ id: 'old1', title: 'Old', integration: 'Slack', target_platform: 'iOS', active: 0 })
    ])
    const result = await runManifest({ manifest: TWO, inputs: { mode: 'check', require: 'active' } })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /^qonversion-integration-action\/manifest: 1 integration\(s\) need attention:/
    )
    expect(result.failure).toContain(
      `${at(3)} “Webhook”: Integration web1 (“Webhook”, Webhooks, Stripe) is paused; \`require: active\` needs failing or idle or healthy.`
    )
    expect(result.failure).not.toContain('amp1')
    expect(result.failure).not.toContain('old1')
    expect(result.outputs.drift).toBe('false')
    expect(api.writes()).toEqual([])
  })

  it('apply: the gate covers entries just created as well as existing ones', async () => {
    project([DELIVERING])
    const result = await runManifest({ manifest: TWO, inputs: { mode: 'apply', require: 'delivering' } })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      `${at(3)} “Webhook”: Integration new1 (“Webhook”, Webhooks, Stripe) is paused`
    )
    expect(result.failure).not.toContain('amp1')
    // The record stays made: outputs name it although the step fails, and the create counts as a change made.
    expect(JSON.parse(result.outputs.integrations)).toEqual({
      'Amplitude — iOS (iOS)': 'amp1',
      'Webhook (Stripe)': 'new1'
    })
    expect(result.outputs.changes).toBe('1')
    expect(result.summary).toContain('### Qonversion integrations — apply: 1 change(s) made — failed')
  })

  it('apply: a create whose activation is refused still counts as a change made', async () => {
    const api = project([], (sent) =>
      STATUS_PATH.test(sent.path)
        ? [403, { error: { type: 'auth', code: 'forbidden', message: 'Not allowed' } }]
        : undefined
    )
    const result = await runManifest({
      manifest: lines('integrations:', '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}'),
      inputs: { mode: 'apply' }
    })
    expect(result.failed).toBe(true)
    expect(api.creates()).toHaveLength(1)
    expect(planOf(result.outputs)[0]).toMatchObject({
      result: 'created (paused), activation failed',
      id: 'new1'
    })
    expect(result.outputs.changes).toBe('1')
  })

  it('apply with wait-seconds: re-reads the list until a new integration meets `require`', async () => {
    let lists = 0
    const api = project([DELIVERING], (sent) => {
      // From the second read on, the integration created by this run has delivered an event.
      if (sent.method === 'GET' && sent.path === '/v4/integrations' && ++lists > 1)
        for (const r of api.records) r.last_delivery_at ??= '2026-11-27T12:00:00Z'
      return undefined
    })
    const result = await runManifest({
      manifest: lines(
        'integrations:',
        '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}',
        '  - {title: Hook, provider: webhooks, store: iOS}'
      ),
      inputs: { mode: 'apply', require: 'delivering', 'wait-seconds': '60' }
    })
    expect(result.failed).toBe(false)
    expect(result.sleeps).toEqual([4000])
    expect(api.sent.filter((s) => s.method === 'GET').map((s) => s.path)).toEqual([
      '/v4/integrations',
      '/v4/integrations/meta',
      '/v4/integrations'
    ])
    expect(result.stdout).toContain('Health check 1 after 4 s: new1 healthy, 0 delivery error(s).')
    expect(planOf(result.outputs).map((r) => [r.id, r.health])).toEqual([
      ['amp1', 'healthy'],
      ['new1', 'healthy']
    ])
  })

  it('apply: passes when every entry meets it', async () => {
    project([DELIVERING])
    const result = await runManifest({
      manifest: lines('integrations:', '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}'),
      inputs: { mode: 'apply', require: 'delivering' }
    })
    expect(result.failed).toBe(false)
  })
})

describe('check', () => {
  const ONE = lines('integrations:', '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}')

  it('fails on drift: a paused entry wanted active', async () => {
    const api = project([record({ id: 'amp1', active: 0 })])
    const result = await runManifest({ manifest: ONE, inputs: { mode: 'check' } })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(`${at(2)} “Amplitude — iOS”: drift — \`apply\` would activate amp1.`)
    expect(result.outputs.drift).toBe('true')
    expect(result.outputs.changes).toBe('1')
    expect(result.summary).toContain('### Qonversion integrations — check: 1 change(s) planned — failed')
    expect(api.writes()).toEqual([])
  })

  it('passes when in sync', async () => {
    const api = project([record({ id: 'amp1', active: 1 })])
    const result = await runManifest({ manifest: ONE, inputs: { mode: 'check' } })
    expect(result.failed).toBe(false)
    expect(result.outputs).toEqual({
      plan: JSON.stringify([
        {
          title: 'Amplitude — iOS',
          provider: 'amplitude',
          store: 'iOS',
          action: 'reuse',
          effect: 'none',
          id: 'amp1',
          health: 'idle',
          source: at(2)
        }
      ]),
      'plan-digest': expect.stringMatching(/^[0-9a-f]{16}$/),
      changes: '0',
      drift: 'false',
      integrations: JSON.stringify({ 'Amplitude — iOS (iOS)': 'amp1' })
    })
    expect(result.summary).toContain(
      `### Qonversion integrations — check: 0 change(s) planned · <code>${MANIFEST}</code>\n`
    )
    expect(api.sent).toHaveLength(2)
  })
})

describe('the file', () => {
  it('an invalid file fails before any request, each problem with its file:line', async () => {
    const api = project()
    const result = await runManifest({
      manifest: lines(
        'integrations:',
        '  - title: Amplitude — iOS',
        '    provider: Amplitude', //   3
        '    stor: iOS', //             4
        '  - title: AppsFlyer',
        '    provider: appsflyer',
        '    store: android' //         7
      )
    })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /^qonversion-integration-action\/manifest: 3 problems in \.github\/qonversion-integrations\.yml:\n/
    )
    expect(result.failure).toContain(
      `${at(3)}: \`integrations[0].provider\` is \`Amplitude\`; provider slugs are lower-case: use \`amplitude\`.`
    )
    expect(result.failure).toContain(`${at(4)}: \`integrations[0]\` has an unknown key \`stor\``)
    expect(result.failure).toContain('Did you mean `store`?')
    expect(result.failure).toContain(`${at(7)}: \`integrations[1].store\` is \`android\``)
    expect(api.sent).toEqual([])
    expect(result.outputs).toEqual({})
    expect(result.summary).toContain('### Qonversion integrations — failed')
  })

  it('a missing file names the path it tried', async () => {
    const api = project()
    const result = await runManifest({ inputs: { file: 'ci/integrations.yml' } })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /Input `file` is `ci\/integrations\.yml`, read as \S*qia-manifest-\w+[\\/]ci[\\/]integrations\.yml \(relative to GITHUB_WORKSPACE .*\), but there is no file there\./
    )
    expect(api.sent).toEqual([])
  })

  it('reads JSON too, from the `file` input', async () => {
    const api = project()
    const result = await runManifest({
      inputs: { file: 'integrations.json' },
      files: {
        'integrations.json': JSON.stringify({
          integrations: [{ title: 'Hook', provider: 'webhooks', store: 'iOS' }]
        })
      }
    })
    expect(result.failed).toBe(false)
    expect(planOf(result.outputs)).toEqual([
      {
        title: 'Hook',
        provider: 'webhooks',
        store: 'iOS',
        action: 'create',
        effect: 'create + activate',
        id: '',
        health: '',
        source: 'integrations.json:1'
      }
    ])
    expect(api.sent).toHaveLength(2)
  })
})

describe('inputs', () => {
  it('are checked before any request, every problem at once', async () => {
    const api = project()
    const result = await runManifest({
      manifest: lines('integrations:', '  - {title: A, provider: webhooks, store: iOS}'),
      inputs: { mode: 'deploy', prune: 'delete', concurrency: '11', 'secret-key': '' }
    })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('4 inputs need fixing')
    expect(result.failure).toContain('Input `mode` is `deploy`; it must be `plan`, `apply` or `check`.')
    expect(result.failure).toContain('Input `prune` is `delete`; it must be `false` or `pause`.')
    expect(result.failure).toContain('Input `concurrency` is `11`; it must be a whole number from 1 to 10.')
    expect(result.failure).toContain('Input `secret-key` is empty.')
    expect(api.sent).toEqual([])
  })

  it('and the file’s problems are reported with them, in one message', async () => {
    const api = project()
    const result = await runManifest({
      manifest: lines('integrations:', '  - {title: A, provider: Webhooks, store: ios}'),
      inputs: { mode: 'deploy' }
    })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /^qonversion-integration-action\/manifest: 3 problems need fixing \(inputs, then the file\):\n {2}- Input `mode` is `deploy`/
    )
    expect(result.failure).toContain(`  - ${at(2)}: \`integrations[0].provider\` is \`Webhooks\``)
    expect(result.failure).toContain(`  - ${at(2)}: \`integrations[0].store\``)
    expect(api.sent).toEqual([])
  })

  it('a missing file is reported with a bad input too', async () => {
    const api = project()
    const result = await runManifest({
      manifest: lines('integrations: []'),
      inputs: { mode: 'deploy', file: 'nope.yml' }
    })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('2 problems need fixing (inputs, then the file)')
    expect(result.failure).toContain('Input `file` is `nope.yml`')
    expect(api.sent).toEqual([])
  })
})

/** The `::error`/`::warning` annotations in a run's log, with their properties, in order. */
const annotationsIn = (stdout: string) =>
  [...stdout.matchAll(/^::(error|warning) ([^:]+)::(.*)$/gm)].map(([, level, props, message]) => ({
    level,
    ...Object.fromEntries(
      props.split(',').map((p): [string, string] => {
        const [name, value] = p.split('=')
        return [name, value.replace(/%3A/g, ':').replace(/%2C/g, ',')]
      })
    ),
    message: message.replace(/%0A/g, '\n').replace(/%25/g, '%')
  })) as { level: string; file?: string; line?: string; title?: string; message: string }[]

describe('the provider catalog in plan and check', () => {
  const TYPO = lines(
    'integrations:',
    '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}', // 2
    '  - title: Events', //                                           3
    '    provider: mixpanl',
    '    store: iOS'
  )

  it.each(['plan', 'check'])(
    '%s: an unknown slug fails red with did-you-mean at its file:line, annotated on its line',
    async (mode) => {
      const api = project([
        record({ id: 'mx1', title: 'Events', integration: 'Mixpanel', target_platform: 'iOS' })
      ])
      const result = await runManifest({ manifest: TYPO, inputs: { mode } })
      expect(result.failed).toBe(true)
      // A typo first, not a conflict with the Mixpanel record under that title and store.
      expect(result.failure).toContain(
        `${at(3)} “Events”: \`mixpanl\` is not in Qonversion's provider catalog; did you mean \`mixpanel\`? ` +
          "The project's integration mx1 with this title and store is `mixpanel`."
      )
      expect(result.failure).not.toContain('another provider')
      expect(planOf(result.outputs)[1]).toMatchObject({ action: 'invalid', effect: 'invalid', id: 'mx1' })
      expect(result.summary).toContain(
        `| Events <sub>${at(3)}</sub> | \`mixpanl\` | iOS | **invalid** | \`mx1\` |`
      )
      expect(annotationsIn(result.stdout)).toContainEqual({
        level: 'error',
        title: 'Qonversion manifest: provider or store refused',
        file: MANIFEST,
        line: '3',
        message: expect.stringContaining('did you mean `mixpanel`?')
      })
      expect(api.sent.map((s) => `${s.method} ${s.path}`)).toEqual([
        'GET /v4/integrations',
        'GET /v4/integrations/meta'
      ])
    }
  )

  it('apply sends nothing for a refused entry and still carries out the others', async () => {
    const api = project()
    const result = await runManifest({ manifest: TYPO, inputs: { mode: 'apply' } })
    expect(result.failed).toBe(true)
    expect(api.creates().map((s) => (s.body as { title: string }).title)).toEqual(['Amplitude — iOS'])
    expect(planOf(result.outputs)[1]).toMatchObject({ action: 'invalid', result: 'not sent' })
  })

  it('an unreadable catalog is a warning: rows are marked, the plan goes on against the documented list', async () => {
    const api = project([], (sent) => (sent.path === '/v4/integrations/meta' ? [503, 'busy'] : undefined))
    const result = await runManifest({ manifest: TYPO, inputs: { 'max-attempts': '2' } })
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(/^::warning::Providers could not be checked: /m)
    expect(planOf(result.outputs).map((r) => [r.effect, r.checked])).toEqual([
      ['create + activate', false],
      ['create + activate', false]
    ])
    expect(result.summary).toContain(
      `| Events <sub>${at(3)}</sub> | \`mixpanl\` | iOS | create + activate (provider not checked) | — | — |`
    )
    expect(api.sent.filter((s) => s.path === '/v4/integrations/meta')).toHaveLength(2)
  })
})

describe('annotations on the manifest’s lines', () => {
  it('a file problem is annotated on its line, and the failure keeps its file:line', async () => {
    const result = await runManifest({
      manifest: lines('integrations:', '  - title: A', '    provider: webhooks', '      store: iOS')
    })
    expect(result.failed).toBe(true)
    expect(annotationsIn(result.stdout)).toEqual([
      {
        level: 'error',
        title: 'Qonversion manifest: invalid file',
        file: MANIFEST,
        line: '4',
        message: expect.stringMatching(/^YAML syntax error: `store:` is indented 6 spaces/)
      }
    ])
    expect(result.failure).toMatch(new RegExp(`^qonversion-integration-action/manifest: ${MANIFEST}:4: YAML`))
  })

  it('conflicts and drift in check, on their lines', async () => {
    project([
      record({ id: 'amp2', title: 'Braze — iOS', integration: 'Amplitude', target_platform: 'iOS' }),
      record({
        id: 'mix1',
        title: 'Mixpanel — iOS',
        integration: 'Mixpanel',
        target_platform: 'iOS',
        active: 0
      })
    ])
    const result = await runManifest({
      manifest: lines(
        'integrations:',
        '  - {title: Braze — iOS, provider: braze, store: iOS}', //     2
        '  - {title: Mixpanel — iOS, provider: mixpanel, store: iOS}' // 3
      ),
      inputs: { mode: 'check' }
    })
    expect(annotationsIn(result.stdout).map((a) => [a.level, a.line, a.title])).toEqual([
      ['error', '2', 'Qonversion manifest: conflict'],
      ['error', '3', 'Qonversion manifest: drift']
    ])
    expect(annotationsIn(result.stdout)[1].message).toBe(
      'The project differs from this entry: `apply` would activate mix1.'
    )
    expect(result.failure).toContain(`${at(3)} “Mixpanel — iOS”: drift`)
  })

  it('a failed write, on its line', async () => {
    project([], (sent) =>
      sent.method === 'POST'
        ? [422, { error: { type: 'request', code: 'invalid_data', message: 'No' } }]
        : undefined
    )
    const result = await runManifest({
      manifest: lines('integrations:', '  - {title: Hook, provider: webhooks, store: iOS}'),
      inputs: { mode: 'apply' }
    })
    expect(annotationsIn(result.stdout)).toEqual([
      expect.objectContaining({ level: 'error', line: '2', title: 'Qonversion manifest: failed' })
    ])
  })

  it('at most ten per kind; the summary counts the rest, and every one keeps its file:line in the failure', async () => {
    const entries = Array.from({ length: 12 }, (_, i) => `  - {title: E${i}, provider: mixpanl, store: iOS}`)
    project()
    const result = await runManifest({ manifest: lines('integrations:', ...entries) })
    // The step's failure is an error annotation too (`::error::`), so nine entries leave room for it.
    expect(result.stdout.match(/^::error[ :]/gm)).toHaveLength(10)
    expect(annotationsIn(result.stdout).map((a) => a.line)).toEqual(
      Array.from({ length: 9 }, (_, i) => String(i + 2))
    )
    expect(result.stdout).toMatch(/^::error::.*12 integration\(s\) need attention/m)
    expect(result.summary).toContain(
      '3 errors not shown as annotations (GitHub shows 10 of each kind per step): every problem is listed with its file:line in the failure below.'
    )
    for (let i = 0; i < 12; i++) expect(result.failure).toContain(`${at(i + 2)} “E${i}”: \`mixpanl\``)
  })
})

describe('the plan digest, plan-file and expect-plan', () => {
  const TWO = lines(
    'integrations:',
    '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}',
    '  - {title: Hook, provider: webhooks, store: iOS, active: false}'
  )
  const EXISTING_AMP = () => [record({ id: 'amp1', active: 0 })]

  it('plan sets `plan-digest` and prints it whole in the summary; plan-file holds the plan as JSON', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'qia-plan-file-'))
    mkdirSync(join(workspace, '.github'))
    writeFileSync(join(workspace, MANIFEST), TWO)
    project(EXISTING_AMP())
    const result = await runManifest({
      inputs: { 'plan-file': 'out/plan.json' },
      env: { GITHUB_WORKSPACE: workspace }
    })
    expect(result.failed).toBe(false)
    const digest = result.outputs['plan-digest']
    expect(digest).toMatch(/^[0-9a-f]{16}$/)
    expect(result.summary).toContain(`Plan digest: \`${digest}\``)
    const written = JSON.parse(readFileSync(join(workspace, 'out/plan.json'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(written).toEqual({ digest, mode: 'plan', rows: planOf(result.outputs) })
    rmSync(workspace, { recursive: true, force: true })
  })

  it('a plan-file through a committed link to a folder outside the workspace is refused, nothing written there', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'qia-plan-file-'))
    const outside = mkdtempSync(join(tmpdir(), 'qia-outside-'))
    mkdirSync(join(workspace, '.github'))
    writeFileSync(join(workspace, MANIFEST), TWO)
    symlinkSync(outside, join(workspace, 'link'), 'dir')
    project(EXISTING_AMP())
    const result = await runManifest({
      inputs: { 'plan-file': 'link/plan.json' },
      env: { GITHUB_WORKSPACE: workspace }
    })
    expect(result.failure).toContain(
      'Input `plan-file` is `link/plan.json`, which through a symbolic link is'
    )
    expect(result.failure).toContain('outside the workspace')
    expect(readdirSync(outside)).toEqual([])
    rmSync(workspace, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it('a plan-file outside the workspace is refused before any request', async () => {
    const api = project()
    const result = await runManifest({ manifest: TWO, inputs: { 'plan-file': '../plan.json' } })
    expect(result.failure).toContain(
      'Input `plan-file` is `../plan.json`; it must be a path inside the workspace'
    )
    expect(api.sent).toEqual([])
  })

  it('apply with the digest of an unchanged project writes as planned', async () => {
    project(EXISTING_AMP())
    const { outputs } = await runManifest({ manifest: TWO })
    nock.cleanAll()
    const api = project(EXISTING_AMP())
    const result = await runManifest({
      manifest: TWO,
      inputs: { mode: 'apply', 'expect-plan': outputs['plan-digest'] }
    })
    expect(result.failed).toBe(false)
    expect(result.outputs['plan-digest']).toBe(outputs['plan-digest'])
    expect(api.writes().map((s) => s.path)).toEqual(['/v4/integrations/amp1/status', '/v4/integrations'])
  })

  it('apply refuses when the project changed since review: only reads are sent, the fresh rows are printed', async () => {
    project(EXISTING_AMP())
    const { outputs } = await runManifest({ manifest: TWO })
    nock.cleanAll()
    // Someone activated the record after the review: the reviewed `activate` is now `none`.
    const api = project([record({ id: 'amp1', active: 1 })])
    const result = await runManifest({
      manifest: TWO,
      inputs: { mode: 'apply', 'expect-plan': outputs['plan-digest'] }
    })
    expect(result.failed).toBe(true)
    expect(api.sent.every((s) => s.method === 'GET')).toBe(true)
    expect(result.failure).toContain(
      `\`expect-plan\` is ${outputs['plan-digest']}, but the plan made now is ${result.outputs['plan-digest']}`
    )
    expect(result.failure).toContain('nothing was written')
    expect(result.failure).toContain('  - “Amplitude — iOS” (amplitude, iOS) amp1: none')
    expect(result.failure).toContain('  - “Hook” (webhooks, iOS): create (paused)')
    expect(result.summary).toContain('apply refused: the plan differs from the reviewed one')
    expect(result.outputs.changes).toBe('1')
  })

  it('expect-plan is checked as an input: a digest, `pull-request`, and only with apply', async () => {
    const api = project()
    const bad = await runManifest({ manifest: TWO, inputs: { mode: 'apply', 'expect-plan': 'abc' } })
    expect(bad.failure).toContain(
      'Input `expect-plan` is `abc`; it must be the `plan-digest` output of a plan'
    )
    const notApply = await runManifest({ manifest: TWO, inputs: { 'expect-plan': '0123456789abcdef' } })
    expect(notApply.failure).toContain('Input `expect-plan` is set, but `mode` is `plan`')
    const pr = await runManifest({ manifest: TWO, inputs: { mode: 'apply', 'expect-plan': 'pull-request' } })
    expect(pr.failure).toContain('Input `expect-plan` is `pull-request`, but `github-token` is empty')
    expect(api.sent).toEqual([])
  })
})

describe('a wrong input value gets a did-you-mean', () => {
  it('mode: aply', async () => {
    const result = await runManifest({ manifest: lines('integrations: []'), inputs: { mode: 'aply' } })
    expect(result.failure).toContain(
      'Input `mode` is `aply`; it must be `plan`, `apply` or `check`. Did you mean `apply`?'
    )
  })
})
