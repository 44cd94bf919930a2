// The same integration, every time, in the manifest action in-process against nock: exact titles from apply to
// plan to check, a replayed create or a status for another id failing its entry, a repeated record read once.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, record } from '../../../__fixtures__/run-action.js'
import { runManifest } from '../../../__fixtures__/run-manifest.js'
import { project } from '../../../__fixtures__/nock-project.js'

useNock()

/** 255 characters (code points) with a tab and 252 emoji: 507 UTF-16 units, over every old cap. */
const TITLE = `A\tB${'😀'.repeat(252)}`
/** A record as Qonversion may hold it, with a trailing line break: 255 characters too. */
const STORED_WITH_BREAK = `Old\t${'😀'.repeat(250)}\n`
const escapedStart = (title: string) => title.slice(0, 20).replace('\t', '\\t')

describe('server text is kept exact where compared or handed on, escaped where printed', () => {
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

describe('the answer must be the record asked for', () => {
  const other = record({
    id: 'OTHER123',
    title: 'Someone else’s',
    integration: 'Mixpanel',
    target_platform: 'Android'
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

describe('a list that repeats a record reads it once', () => {
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
