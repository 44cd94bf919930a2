// Issue 15, "the same integration, every time", in-process against nock for both actions: server text kept exact
// for matching and outputs (escaped only where printed), an answer that is not the record asked for refused, and a
// list that repeats a record read once.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { runManifest } from '../../../__fixtures__/run-manifest.js'

useNock()

/** 255 characters (code points) with a tab and 252 emoji: 507 UTF-16 units, over every old cap. */
const TITLE = `A\tB${'😀'.repeat(252)}`
/** A record as Qonversion may hold it, with a trailing line break: 255 characters too. */
const STORED_WITH_BREAK = `Old\t${'😀'.repeat(250)}\n`
const escapedStart = (title: string) => title.slice(0, 20).replace('\t', '\\t')

const list = (...records: Record<string, unknown>[]) => ({ object: 'list', data: records, has_more: false })

interface Sent {
  method: string
  path: string
  body: unknown
  key?: string
}

/**
 * A project behind nock that stores what is created, so a second run lists it exactly as the first run got it.
 * `answer` replaces the reply to one request (a replay of another record, a status for another id).
 */
function project(
  initial: Record<string, unknown>[] = [],
  answer: (sent: Sent) => [number, unknown] | undefined = () => undefined
) {
  const records = initial.map((r) => ({ ...r }))
  const sent: Sent[] = []
  let made = 0
  nock(API)
    .persist()
    .get('/integrations')
    .reply(function (uri) {
      sent.push({ method: 'GET', path: uri, body: undefined })
      return [200, list(...records)]
    })
    .post('/integrations')
    .reply(function (uri, body) {
      const s = { method: 'POST', path: uri, body, key: this.req.headers['idempotency-key'] }
      sent.push(s)
      const replaced = answer(s)
      if (replaced) return replaced
      const b = body as { title: string; integration: string; target_platform: string }
      const id = `new${++made}`
      const created = record({
        id,
        url: `/v4/integrations/${id}`,
        title: b.title,
        target_platform: b.target_platform
      })
      records.push(created)
      return [201, created]
    })
    .post(/^\/v4\/integrations\/[^/]+\/status$/)
    .reply(function (uri, body) {
      const s = { method: 'POST', path: uri, body }
      sent.push(s)
      const replaced = answer(s)
      if (replaced) return replaced
      const found = records.find((r) => uri === `/v4/integrations/${String(r.id)}/status`)!
      found.active = (body as { status: number }).status
      return [200, found]
    })
  return { records, sent, writes: () => sent.filter((s) => s.method !== 'GET') }
}

describe('1. server text is kept exact where compared or handed on, escaped where printed', () => {
  it('single action, `if-exists: reuse`: a title with a tab and 252 emoji is created once, then found again', async () => {
    const api = project()
    const first = await runAction({ ...baseInputs, title: TITLE, 'if-exists': 'reuse' })
    expect(first.failed).toBe(false)
    expect(api.writes().map((s) => s.body)).toEqual([
      { title: TITLE, integration: 'amplitude', target_platform: 'iOS' }
    ])
    expect(JSON.parse(first.outputs.integration)).toMatchObject({ id: 'new1', title: TITLE })

    const again = await runAction({ ...baseInputs, title: TITLE, 'if-exists': 'reuse' })
    expect(again.failed).toBe(false)
    expect(api.writes()).toHaveLength(1)
    expect(again.outputs['integration-id']).toBe('new1')
    expect(again.outputs.created).toBe('false')
    expect(JSON.parse(again.outputs.integration)).toMatchObject({ title: TITLE })
  })

  it('single action: a stored record with a line break is output exactly and printed escaped', async () => {
    const stored = record({
      id: 'brk1',
      title: TITLE,
      integration: 'Amplitude\n',
      last_error_message: `Bad key\n${'😀'.repeat(300)}`,
      active: 2
    })
    project([stored])
    const result = await runAction({ ...baseInputs, title: TITLE, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    expect(result.outputs['integration-id']).toBe('brk1')
    expect(result.outputs['provider-title']).toBe('Amplitude\n')
    expect(result.outputs['last-error']).toBe(stored.last_error_message)
    expect(JSON.parse(result.outputs.integration)).toEqual(stored)
    expect(result.stdout).toContain('Last error: Bad key\\n😀')
    expect(result.stdout).not.toMatch(/^😀/m)
    expect(result.summary).toContain('Bad key\\n😀')
  })

  const manifestOf = (title: string) =>
    `integrations:\n  - title: ${JSON.stringify(title)}\n    provider: amplitude\n    store: iOS\n`

  it('manifest: apply creates the exact title, then plan reuses it, check finds no drift; an unmanaged record with a line break is handed on exactly', async () => {
    const unmanaged = record({ id: 'old1', title: STORED_WITH_BREAK, active: 1 })
    // The manifest checks every entry's provider against the live catalog first (plan, check and apply alike).
    nock(API)
      .persist()
      .get('/integrations/meta')
      .reply(200, {
        data: [
          {
            slug: 'amplitude',
            title: 'Amplitude',
            integrations: [{ slug: 'amplitude', allowedStores: ['iOS'] }]
          }
        ]
      })
    const api = project([unmanaged])
    const manifest = manifestOf(TITLE)

    const apply = await runManifest({ inputs: { mode: 'apply' }, manifest })
    expect(apply.failed).toBe(false)
    expect(api.writes().map((s) => [s.path, s.body])).toEqual([
      ['/v4/integrations', { title: TITLE, integration: 'amplitude', target_platform: 'iOS' }],
      ['/v4/integrations/new1/status', { status: 1 }]
    ])
    expect(JSON.parse(apply.outputs.integrations)).toEqual({ [`${TITLE} (iOS)`]: 'new1' })

    for (const mode of ['plan', 'check']) {
      const run = await runManifest({ inputs: { mode }, manifest })
      expect(run.failed).toBe(false)
      expect(run.outputs.changes).toBe('0')
      expect(run.outputs.drift).toBe('false')
      const rows = JSON.parse(run.outputs.plan) as Record<string, string>[]
      expect(rows.map((r) => [r.title, r.action, r.id])).toEqual([
        [TITLE, 'reuse', 'new1'],
        [STORED_WITH_BREAK, 'nothing', 'old1']
      ])
      // Printed: the log line and the table cell show the text escaped, never a raw line break or tab.
      expect(run.stdout).toContain(`none              “${escapedStart(STORED_WITH_BREAK)}`)
      expect(run.summary).toContain(`| Old ${'😀'.repeat(5)}`)
    }
    expect(api.writes()).toHaveLength(2)
  })
})

describe('3. the answer must be the record asked for', () => {
  const other = record({
    id: 'OTHER123',
    title: 'Someone else’s',
    integration: 'Mixpanel',
    target_platform: 'Android'
  })

  it('single action: a create replay of another integration fails naming both and the key; no record output, no activation', async () => {
    const api = project([], (s) => (s.path === '/v4/integrations' ? [201, other] : undefined))
    const result = await runAction({ ...baseInputs, activate: 'true', 'idempotency-key': 'shared-key' })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      'The create was answered with another integration: asked for “Amplitude — iOS” (amplitude, iOS), ' +
        'answered OTHER123 “Someone else’s” (Mixpanel, Android). The idempotency key `shared-key` was already used'
    )
    expect(api.writes().map((s) => s.path)).toEqual(['/v4/integrations'])
    expect(result.outputs).toEqual({ 'idempotency-key': 'shared-key' })
    expect(result.summary).not.toContain('OTHER123</code>')
  })

  it.each([
    ['title', { title: 'Amplitude — iOS ' }],
    ['store', { target_platform: 'Android' }],
    ['provider', { integration: 'Mixpanel' }]
  ])('single action: a create answer with another %s is refused', async (_field, overrides) => {
    nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'mixpanel', title: 'Mixpanel' }] })
    project([], (s) =>
      s.path === '/v4/integrations' ? [201, record({ id: 'X1', ...overrides })] : undefined
    )
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(
      /^qonversion-integration-action: The create was answered with another integration/
    )
    expect(result.outputs['integration-id']).toBeUndefined()
  })

  it('single action: a display title the documented slugs do not confirm is checked against the live catalog once', async () => {
    const meta = nock(API)
      .get('/integrations/meta')
      .reply(200, { data: [{ slug: 'searchads', title: 'Apple Search Ads' }] })
    project([], (s) =>
      s.path === '/v4/integrations'
        ? [201, record({ id: 'ASA1', title: 'ASA', integration: 'Apple Search Ads' })]
        : undefined
    )
    const result = await runAction({ ...baseInputs, title: 'ASA', provider: 'searchads' })
    expect(result.failed).toBe(false)
    expect(meta.isDone()).toBe(true)
    expect(result.outputs['integration-id']).toBe('ASA1')
  })

  it('single action: a status answer for another id fails naming both; the record found is output, not the answer', async () => {
    const api = project([record({ id: 'amp1', active: 0 })], (s) =>
      s.path.endsWith('/status') ? [200, { ...other, active: 1 }] : undefined
    )
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse', activate: 'true' })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      'Activating amp1 “Amplitude — iOS” (Amplitude, iOS) was answered with another integration, OTHER123 “Someone else’s” (Mixpanel, Android); the answer is not used.'
    )
    expect(api.writes().map((s) => s.path)).toEqual(['/v4/integrations/amp1/status'])
    expect(result.outputs['integration-id']).toBe('amp1')
  })

  it('manifest apply: a replayed create fails that entry only, is never activated nor listed in `integrations`', async () => {
    const api = project([], (s) =>
      s.path === '/v4/integrations' && (s.body as { title: string }).title === 'Second'
        ? [201, other]
        : undefined
    )
    const manifest = [
      'integrations:',
      '  - title: First',
      '    provider: amplitude',
      '    store: iOS',
      '  - title: Second',
      '    provider: amplitude',
      '    store: iOS',
      ''
    ].join('\n')
    const result = await runManifest({ inputs: { mode: 'apply' }, manifest })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      '.github/qonversion-integrations.yml:5 “Second”: The create was answered with another integration'
    )
    expect(result.failure).toMatch(/The idempotency key `qia-\d+-[0-9a-f]{32}` was already used/)
    expect(api.writes().map((s) => s.path)).toEqual([
      '/v4/integrations',
      '/v4/integrations',
      '/v4/integrations/new1/status'
    ])
    expect(JSON.parse(result.outputs.integrations)).toEqual({ 'First (iOS)': 'new1' })
    expect(result.outputs.changes).toBe('1')
    const rows = JSON.parse(result.outputs.plan) as Record<string, string>[]
    expect(rows.map((r) => [r.title, r.id, r.result])).toEqual([
      ['First', 'new1', 'created and set active'],
      ['Second', '', 'failed']
    ])
  })

  it('manifest apply: a status answer for another id fails the entry', async () => {
    project([record({ id: 'amp1', title: 'First', active: 0 })], (s) =>
      s.path.endsWith('/status') ? [200, other] : undefined
    )
    const manifest = 'integrations:\n  - title: First\n    provider: amplitude\n    store: iOS\n'
    const result = await runManifest({ inputs: { mode: 'apply' }, manifest })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      'Activating amp1 “First” (Amplitude, iOS) was answered with another integration, OTHER123'
    )
    expect(result.outputs.changes).toBe('0')
    const [row] = JSON.parse(result.outputs.plan) as Record<string, string>[]
    expect([row.id, row.result]).toEqual(['amp1', 'failed'])
  })
})

describe('4. a list that repeats a record reads it once', () => {
  it('single action, `if-exists: reuse`: the record listed twice is reused, not a conflict of two', async () => {
    const twice = record({ id: 'amp1', active: 1 })
    project([twice, twice])
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    expect(result.outputs['integration-id']).toBe('amp1')
  })

  it('manifest, `prune: pause`: an unmanaged record listed twice is paused once and counted once', async () => {
    const unmanaged = record({ id: 'old1', title: 'Old', active: 1 })
    const api = project([record({ id: 'amp1', title: 'First', active: 1 }), unmanaged, unmanaged])
    const manifest = 'integrations:\n  - title: First\n    provider: amplitude\n    store: iOS\n'
    const result = await runManifest({ inputs: { mode: 'apply', prune: 'pause' }, manifest })
    expect(result.failed).toBe(false)
    expect(api.writes().map((s) => s.path)).toEqual(['/v4/integrations/old1/status'])
    expect(result.outputs.changes).toBe('1')
    expect((JSON.parse(result.outputs.plan) as unknown[]).length).toBe(2)
  })
})
