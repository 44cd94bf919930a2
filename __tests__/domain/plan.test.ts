// plan() as plain data: every decision it can make, from wanted entries, the project's records and a catalog.
import { describe, expect, it } from '@jest/globals'
import { SNAPSHOT_CATALOG, type Catalog } from '../../src/domain/catalog.js'
import {
  effectOf,
  plan,
  subjectOf,
  titleOf,
  type Decision,
  type PlanRules,
  type Wanted
} from '../../src/domain/plan.js'
import type { IntegrationRecord } from '../../src/domain/record.js'
import { integration } from '../../__fixtures__/records.js'

const wanted = (overrides: Partial<Wanted> = {}): Wanted => ({
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  active: undefined,
  source: "the step's inputs",
  ...overrides
})

const rec = (overrides: Partial<IntegrationRecord> = {}): IntegrationRecord =>
  integration({ id: 'REC1', ...overrides })

const policy = (overrides: Partial<PlanRules> = {}): PlanRules => ({
  onMatch: 'reuse',
  prune: 'false',
  rerun: false,
  ...overrides
})

/** Only the parts of a decision that say what to do and about which record. */
const brief = (decisions: ReturnType<typeof plan>) =>
  decisions.map((d) => ({ action: d.action, record: d.record?.id, wanted: d.wanted?.title }))

describe('create', () => {
  it('creates when nothing matches', () => {
    const [decision] = plan([wanted()], [], SNAPSHOT_CATALOG, policy())
    expect(decision).toEqual({ wanted: wanted(), action: 'create' })
  })

  it('with `if-exists: create`, creates without looking at a record that matches exactly', () => {
    const decisions = plan([wanted()], [rec({ active: 1 })], SNAPSHOT_CATALOG, policy({ onMatch: 'create' }))
    expect(decisions).toEqual([{ wanted: wanted(), action: 'create' }])
  })

  it('with `if-exists: create`, creates even where two records would be a conflict', () => {
    const records = [rec({ id: 'A' }), rec({ id: 'B' })]
    expect(brief(plan([wanted()], records, SNAPSHOT_CATALOG, policy({ onMatch: 'create' })))).toEqual([
      { action: 'create', record: undefined, wanted: 'Amplitude — iOS' }
    ])
  })
})

describe('reuse, activate, pause', () => {
  it('reuses the one matching record, whatever its state, when `active` is not asked', () => {
    for (const active of [0, 1, 2]) {
      const record = rec({ active })
      expect(plan([wanted()], [record], SNAPSHOT_CATALOG, policy())).toEqual([
        { wanted: wanted(), action: 'reuse', record }
      ])
    }
  })

  it.each([0, 2])('activates a record in state %i when it should end active', (active) => {
    const record = rec({ active })
    const [decision] = plan([wanted({ active: true })], [record], SNAPSHOT_CATALOG, policy())
    expect(decision).toEqual({ wanted: wanted({ active: true }), action: 'activate', record })
  })

  it('reuses an active record that should end active (no write)', () => {
    const [decision] = plan([wanted({ active: true })], [rec({ active: 1 })], SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('reuse')
  })

  it('pauses an active record that should end paused', () => {
    const record = rec({ active: 1 })
    const [decision] = plan([wanted({ active: false })], [record], SNAPSHOT_CATALOG, policy())
    expect(decision).toEqual({ wanted: wanted({ active: false }), action: 'pause', record })
  })

  it('reuses a paused record that should end paused (no write)', () => {
    const [decision] = plan([wanted({ active: false })], [rec({ active: 0 })], SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('reuse')
  })

  it('reconciles under `manage` the same way', () => {
    const decisions = plan(
      [wanted({ title: 'On', active: true }), wanted({ title: 'Off', active: false })],
      [rec({ id: 'ON', title: 'On', active: 0 }), rec({ id: 'OFF', title: 'Off', active: 1 })],
      SNAPSHOT_CATALOG,
      policy({ onMatch: 'manage' })
    )
    expect(brief(decisions)).toEqual([
      { action: 'activate', record: 'ON', wanted: 'On' },
      { action: 'pause', record: 'OFF', wanted: 'Off' }
    ])
  })
})

describe('records nobody asked for (manifest)', () => {
  const records = [
    rec({ id: 'LISTED', active: 1 }),
    rec({ id: 'U-PAUSED', title: 'Old', active: 0 }),
    rec({ id: 'U-ACTIVE', title: 'Old', target_platform: 'Android', active: 1 }),
    rec({ id: 'U-ERROR', title: 'Older', active: 2 }),
    rec({ id: 'U-GONE', title: 'Gone', active: 1, deleted: true })
  ]

  it("with prune 'false', leaves every unmanaged record alone", () => {
    expect(brief(plan([wanted()], records, SNAPSHOT_CATALOG, policy({ onMatch: 'manage' })))).toEqual([
      { action: 'reuse', record: 'LISTED', wanted: 'Amplitude — iOS' },
      { action: 'nothing', record: 'U-PAUSED', wanted: undefined },
      { action: 'nothing', record: 'U-ACTIVE', wanted: undefined },
      { action: 'nothing', record: 'U-ERROR', wanted: undefined }
    ])
  })

  it("with prune 'pause', pauses only the active ones (a deleted record is not touched)", () => {
    const decisions = plan(
      [wanted()],
      records,
      SNAPSHOT_CATALOG,
      policy({ onMatch: 'manage', prune: 'pause' })
    )
    expect(brief(decisions)).toEqual([
      { action: 'reuse', record: 'LISTED', wanted: 'Amplitude — iOS' },
      { action: 'nothing', record: 'U-PAUSED', wanted: undefined },
      { action: 'pause', record: 'U-ACTIVE', wanted: undefined },
      { action: 'nothing', record: 'U-ERROR', wanted: undefined }
    ])
  })

  it('adds no decisions for unlisted records outside `manage`', () => {
    for (const onMatch of ['reuse', 'fail', 'create'] as const) {
      const decisions = plan([wanted()], records, SNAPSHOT_CATALOG, policy({ onMatch, prune: 'pause' }))
      expect(decisions).toHaveLength(1)
    }
  })
})

describe('conflicts', () => {
  it('two or more matches: lists them, names concurrent runs and a `concurrency:` group as the fix', () => {
    const records = [rec({ id: 'ONE' }), rec({ id: 'TWO', active: 1 }), rec({ id: 'THREE' })]
    const [decision] = plan([wanted()], records, SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('conflict')
    expect(decision.record?.id).toBe('ONE')
    expect(decision.reason).toContain('Found 3 integrations “Amplitude — iOS” (amplitude, iOS)')
    expect(decision.reason).toContain('  - ONE: provider “Amplitude”, store iOS')
    expect(decision.reason).toContain('  - TWO: provider “Amplitude”, store iOS')
    expect(decision.reason).toContain('  - THREE: provider “Amplitude”, store iOS')
    expect(decision.reason).toMatch(/Two runs racing/)
    expect(decision.reason).toContain('`concurrency:`')
    expect(decision.reason).toMatch(/delete the others/)
  })

  it('two matches are a conflict under `manage` and `fail` too', () => {
    for (const onMatch of ['manage', 'fail'] as const) {
      const [decision] = plan(
        [wanted()],
        [rec({ id: 'A' }), rec({ id: 'B' })],
        SNAPSHOT_CATALOG,
        policy({ onMatch })
      )
      expect(decision.action).toBe('conflict')
      expect(decision.reason).toMatch(/^Found 2 integrations/)
    }
  })

  it('`fail` with a match on a first attempt: names the id, points to reuse, says nothing of re-runs', () => {
    const [decision] = plan(
      [wanted()],
      [rec({ id: 'EXISTS1' })],
      SNAPSHOT_CATALOG,
      policy({ onMatch: 'fail' })
    )
    expect(decision.action).toBe('conflict')
    expect(decision.record?.id).toBe('EXISTS1')
    expect(decision.reason).toContain('already exists: EXISTS1. `if-exists: fail` stops here.')
    expect(decision.reason).toContain('Use `if-exists: reuse` to return it instead.')
    expect(decision.reason).not.toMatch(/re-run|first attempt|GITHUB_RUN_ATTEMPT/i)
  })

  it('`fail` with a match on a re-run: says the record may be the first attempt’s and points to reuse', () => {
    const [decision] = plan(
      [wanted()],
      [rec({ id: 'EXISTS1' })],
      SNAPSHOT_CATALOG,
      policy({ onMatch: 'fail', rerun: true })
    )
    expect(decision.action).toBe('conflict')
    expect(decision.reason).toMatch(/This is a re-run \(GITHUB_RUN_ATTEMPT > 1\)/)
    expect(decision.reason).toMatch(/first attempt created/)
    expect(decision.reason).toMatch(/no safe way to tell/)
    expect(decision.reason).toContain('Use `if-exists: reuse` to return it instead.')
  })

  it('`fail` without a match creates', () => {
    const [decision] = plan(
      [wanted()],
      [rec({ title: 'Other' })],
      SNAPSHOT_CATALOG,
      policy({ onMatch: 'fail' })
    )
    expect(decision.action).toBe('create')
  })
})

describe('another provider with the same title and store', () => {
  const mixpanel = rec({ id: 'MIX', integration: 'Mixpanel', active: 1 })

  it('is a conflict under `manage`, listing it and how to resolve it', () => {
    const [decision] = plan([wanted()], [mixpanel], SNAPSHOT_CATALOG, policy({ onMatch: 'manage' }))
    expect(decision.action).toBe('conflict')
    expect(decision.record?.id).toBe('MIX')
    expect(decision.reason).toContain('another provider')
    expect(decision.reason).toContain('  - MIX: provider “Mixpanel”, store iOS')
    expect(decision.reason).toMatch(
      /To keep both, rename this entry .*Delete the other integration .* only if/
    )
    // Keeping both comes first: deleting a working integration is never the first advice.
    expect(decision.reason!.indexOf('rename')).toBeLessThan(decision.reason!.indexOf('Delete'))
  })

  it('is a conflict under `manage` even beside a record of the asked provider', () => {
    const [decision] = plan(
      [wanted()],
      [rec({ id: 'AMP' }), mixpanel],
      SNAPSHOT_CATALOG,
      policy({ onMatch: 'manage' })
    )
    expect(decision.action).toBe('conflict')
    expect(decision.record?.id).toBe('MIX')
  })

  it.each(['reuse', 'fail'] as const)('is no match under `%s`: a create is planned', (onMatch) => {
    expect(brief(plan([wanted()], [mixpanel], SNAPSHOT_CATALOG, policy({ onMatch })))).toEqual([
      { action: 'create', record: undefined, wanted: 'Amplitude — iOS' }
    ])
  })

  it('under `reuse`, the record of the asked provider is reused and the other ignored', () => {
    const [decision] = plan([wanted()], [mixpanel, rec({ id: 'AMP' })], SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('reuse')
    expect(decision.record?.id).toBe('AMP')
  })

  it('the documented snapshot alone tells `Mixpanel` apart from `amplitude`', () => {
    expect(SNAPSHOT_CATALOG.live).toBe(false)
    const [decision] = plan([wanted()], [mixpanel], SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('create')
  })
})

describe('a provider that cannot be told apart', () => {
  const asa = rec({ id: 'ASA1', title: 'ASA', integration: 'Apple Search Ads', active: 1 })
  const searchads = wanted({ title: 'ASA', provider: 'searchads' })

  it('with the snapshot (catalog unreadable), fails closed listing the candidate and how to disambiguate', () => {
    const [decision] = plan([searchads], [asa], SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('conflict')
    expect(decision.record?.id).toBe('ASA1')
    expect(decision.reason).toContain('Cannot tell whether this integration is `searchads`')
    expect(decision.reason).toContain('none is reused on a guess')
    expect(decision.reason).toContain('the provider catalog could not be read')
    expect(decision.reason).toContain('  - ASA1: provider “Apple Search Ads”, store iOS')
    expect(decision.reason).toMatch(/Make the match unambiguous: give this integration a title no other/)
    expect(decision.reason).toMatch(/run again when the catalog \(GET \/integrations\/meta\) can be read/)
  })

  it.each(['reuse', 'fail', 'manage'] as const)('fails closed under `%s` too', (onMatch) => {
    const [decision] = plan([searchads], [asa], SNAPSHOT_CATALOG, policy({ onMatch }))
    expect(decision.action).toBe('conflict')
    expect(decision.reason).toMatch(/^Cannot tell whether/)
  })

  it('fails closed even beside a record that clearly is the asked provider', () => {
    const plain = rec({ id: 'PLAIN', title: 'ASA', integration: 'searchads' })
    const [decision] = plan([searchads], [plain, asa], SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('conflict')
    expect(decision.reason).toContain('ASA1')
  })

  it('lists every candidate it cannot tell apart', () => {
    const other = rec({ id: 'ASA2', title: 'ASA', integration: 'Some New Thing' })
    const [decision] = plan([searchads], [asa, other], SNAPSHOT_CATALOG, policy())
    expect(decision.reason).toContain('Cannot tell whether these integrations are `searchads`')
    expect(decision.reason).toContain('  - ASA1: provider “Apple Search Ads”, store iOS')
    expect(decision.reason).toContain('  - ASA2: provider “Some New Thing”, store iOS')
  })

  it('with a live catalog naming the title, is a match and reused', () => {
    const live: Catalog = { entries: [{ slug: 'searchads', title: 'Apple Search Ads' }], live: true }
    expect(plan([searchads], [asa], live, policy())).toEqual([
      { wanted: searchads, action: 'reuse', record: asa }
    ])
  })

  it('with a live catalog that does not name it, still fails closed and says so', () => {
    const live: Catalog = { entries: [{ slug: 'amplitude', title: 'Amplitude' }], live: true }
    const [decision] = plan([searchads], [asa], live, policy())
    expect(decision.action).toBe('conflict')
    expect(decision.reason).toContain('the provider catalog does not name it')
    expect(decision.reason).not.toMatch(/run again when the catalog/)
  })

  it('matches a slug spelled as the record names it, ignoring case and separators', () => {
    const gcs = rec({ id: 'GCS', title: 'Export', integration: 'Google Cloud Storage' })
    const [decision] = plan(
      [wanted({ title: 'Export', provider: 'google_cloud_storage' })],
      [gcs],
      SNAPSHOT_CATALOG,
      policy()
    )
    expect(decision.action).toBe('reuse')
    expect(decision.record?.id).toBe('GCS')
  })
})

describe('what counts as a match', () => {
  it('never a deleted record (deleted: true, or a deleted_at time)', () => {
    const records = [
      rec({ id: 'DEL1', deleted: true }),
      rec({ id: 'DEL2', deleted_at: '2026-11-27T10:00:00Z' })
    ]
    for (const onMatch of ['reuse', 'fail', 'manage'] as const) {
      expect(brief(plan([wanted()], records, SNAPSHOT_CATALOG, policy({ onMatch })))).toEqual([
        { action: 'create', record: undefined, wanted: 'Amplitude — iOS' }
      ])
    }
  })

  it('a record with `deleted: false` or an empty or null deleted_at is live', () => {
    for (const flags of [{ deleted: false }, { deleted_at: '' }, { deleted_at: null }]) {
      const [decision] = plan([wanted()], [rec({ id: 'LIVE', ...flags })], SNAPSHOT_CATALOG, policy())
      expect(decision.record?.id).toBe('LIVE')
    }
  })

  it('a deleted record beside a live one does not make two matches', () => {
    const [decision] = plan(
      [wanted()],
      [rec({ id: 'DEL', deleted: true }), rec({ id: 'LIVE' })],
      SNAPSHOT_CATALOG,
      policy()
    )
    expect(decision).toMatchObject({ action: 'reuse', record: { id: 'LIVE' } })
  })

  it('the title exactly: case, spacing and punctuation count', () => {
    const records = [
      rec({ id: 'CASE', title: 'amplitude — ios' }),
      rec({ id: 'SPACE', title: 'Amplitude — iOS ' }),
      rec({ id: 'DASH', title: 'Amplitude - iOS' })
    ]
    const [decision] = plan([wanted()], records, SNAPSHOT_CATALOG, policy())
    expect(decision.action).toBe('create')
  })

  it('the store exactly', () => {
    const records = [
      rec({ id: 'AND', target_platform: 'Android' }),
      rec({ id: 'STR', target_platform: 'Stripe' })
    ]
    expect(plan([wanted()], records, SNAPSHOT_CATALOG, policy())[0].action).toBe('create')
    expect(plan([wanted({ store: 'Android' })], records, SNAPSHOT_CATALOG, policy())[0].record?.id).toBe(
      'AND'
    )
  })

  it('decides every wanted entry independently, in order', () => {
    const decisions = plan(
      [wanted({ store: 'Android' }), wanted({ store: 'iOS' }), wanted({ store: 'Stripe' })],
      [rec({ id: 'IOS' }), rec({ id: 'AND', target_platform: 'Android' })],
      SNAPSHOT_CATALOG,
      policy()
    )
    expect(decisions.map((d) => [d.action, d.record?.id])).toEqual([
      ['reuse', 'AND'],
      ['reuse', 'IOS'],
      ['create', undefined]
    ])
  })
})

describe('the live catalog (manifest)', () => {
  const LIVE: Catalog = {
    live: true,
    entries: [
      { slug: 'mixpanel', title: 'Mixpanel', allowedStores: ['iOS', 'Android', 'Stripe'] },
      { slug: 'searchads', title: 'Apple Search Ads', allowedStores: ['iOS'] },
      { slug: 'amplitude', title: 'Amplitude', allowedStores: ['iOS', 'Android'] }
    ]
  }
  const manage = policy({ onMatch: 'manage' })

  it('an unknown slug is invalid, with did-you-mean', () => {
    const [d] = plan([wanted({ provider: 'mixpanl' })], [], LIVE, manage)
    expect(d.action).toBe('invalid')
    expect(d.reason).toBe("`mixpanl` is not in Qonversion's provider catalog; did you mean `mixpanel`?")
  })

  it('a store the provider does not support is invalid, naming the stores it does', () => {
    const [d] = plan([wanted({ provider: 'searchads', store: 'Android' })], [], LIVE, manage)
    expect(d).toMatchObject({ action: 'invalid', reason: '`searchads` supports only iOS, not Android.' })
  })

  it('a typo beside a record of another provider with the title and store: a typo first, not a conflict', () => {
    const record = rec({ id: 'MIX', title: 'Events', integration: 'Mixpanel' })
    const [d] = plan([wanted({ title: 'Events', provider: 'mixpanl' })], [record], LIVE, manage)
    expect(d.action).toBe('invalid')
    expect(d.record).toBe(record)
    expect(d.reason).toBe(
      "`mixpanl` is not in Qonversion's provider catalog; did you mean `mixpanel`? The project's integration MIX " +
        'with this title and store is `mixpanel`.'
    )
  })

  it('a known slug and store plan as usual; nothing is marked unchecked', () => {
    const [d] = plan([wanted({ active: true })], [], LIVE, manage)
    expect(d).toEqual({ wanted: wanted({ active: true }), action: 'create' })
  })

  it('without the live catalog nothing is refused, and every listed entry is marked unchecked', () => {
    const unmanaged = rec({ id: 'OLD', title: 'Old' })
    const decisions = plan([wanted({ provider: 'mixpanl' })], [unmanaged], SNAPSHOT_CATALOG, manage)
    expect(decisions.map((d) => [d.action, d.unchecked])).toEqual([
      ['create', true],
      ['nothing', undefined]
    ])
  })

  it('the single step (reuse) is not refused by the planner: the server or its dry run decide', () => {
    const [d] = plan([wanted({ provider: 'mixpanl' })], [], LIVE, policy())
    expect(d.action).toBe('create')
  })
})

describe('effectOf: everything apply will do, in the row’s words', () => {
  const record = rec()
  it.each<[string, Decision, string]>([
    ['create active', { wanted: wanted({ active: true }), action: 'create' }, 'create + activate'],
    ['create paused', { wanted: wanted({ active: false }), action: 'create' }, 'create (paused)'],
    ['the single step’s create', { wanted: wanted(), action: 'create' }, 'create (paused)'],
    ['activate', { wanted: wanted(), action: 'activate', record }, 'activate'],
    ['pause', { wanted: wanted(), action: 'pause', record }, 'pause'],
    ['prune', { action: 'pause', record }, 'pause (prune)'],
    ['reuse', { wanted: wanted(), action: 'reuse', record }, 'none'],
    ['unmanaged', { action: 'nothing', record }, 'none'],
    ['conflict', { wanted: wanted(), action: 'conflict', record, reason: 'two matches' }, 'conflict'],
    ['invalid', { wanted: wanted(), action: 'invalid', reason: 'unknown provider' }, 'invalid']
  ])('%s', (_, decision, text) => {
    expect(effectOf(decision)).toBe(text)
  })
})

describe('subjectOf and titleOf: what a decision is about', () => {
  it('an entry in its own words, even where its record says otherwise', () => {
    const decision: Decision = {
      wanted: wanted(),
      action: 'reuse',
      record: rec({ title: 'Other', integration: 'X' })
    }
    expect(subjectOf(decision)).toEqual({ title: 'Amplitude — iOS', provider: 'amplitude', store: 'iOS' })
    expect(titleOf(decision)).toBe('Amplitude — iOS')
  })

  it('an unmanaged record in the record’s words', () => {
    const decision: Decision = {
      action: 'nothing',
      record: rec({ title: 'Old', integration: 'Slack', target_platform: 'Android' })
    }
    expect(subjectOf(decision)).toEqual({ title: 'Old', provider: 'Slack', store: 'Android' })
    expect(titleOf(decision)).toBe('Old')
  })
})
