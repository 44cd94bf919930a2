// The plan digest as plain data: stable where nothing apply would do changes, different where anything does.
import { describe, expect, it } from '@jest/globals'
import { planDigest } from '../../src/domain/plan-digest.js'
import type { CreateDecision, Decision, MatchedDecision, Wanted } from '../../src/domain/plan.js'
import type { IntegrationRecord } from '../../src/domain/record.js'
import { integration } from '../../__fixtures__/records.js'

const wanted = (overrides: Partial<Wanted> = {}): Wanted => ({
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  active: true,
  source: 'f.yml:2',
  ...overrides
})
const rec = (overrides: Partial<IntegrationRecord> = {}): IntegrationRecord =>
  integration({ id: 'amp1', ...overrides })
const ACTIVATE: MatchedDecision = { wanted: wanted(), action: 'activate', record: rec() }
const CREATE: CreateDecision = {
  wanted: wanted({ title: 'Hook', provider: 'webhooks', source: 'f.yml:5' }),
  action: 'create'
}
const PLAN: Decision[] = [
  ACTIVATE,
  CREATE,
  { action: 'nothing', record: rec({ id: 'old1', title: 'Old', integration: 'Slack' }) }
]

describe('planDigest', () => {
  it('is 16 hex characters, the same for the same plan', () => {
    expect(planDigest(PLAN)).toMatch(/^[0-9a-f]{16}$/)
    expect(planDigest(structuredClone(PLAN))).toBe(planDigest(PLAN))
  })

  it('ignores health, times, lines, order and unmanaged records left alone', () => {
    const moved: Decision[] = [
      { action: 'nothing', record: rec({ id: 'other', title: 'Another', active: 1 }) },
      { ...CREATE, wanted: { ...CREATE.wanted, source: 'f.yml:9' } },
      {
        ...ACTIVATE,
        record: rec({ delivery_error_count: 7, last_delivery_at: '2026-01-01T00:00:00Z', updated_at: 'x' })
      }
    ]
    expect(planDigest(moved)).toBe(planDigest(PLAN))
  })

  it.each<[string, Decision[]]>([
    ['another action', [{ ...ACTIVATE, action: 'reuse' }, CREATE]],
    ['another current id', [{ ...ACTIVATE, record: rec({ id: 'amp9' }) }, CREATE]],
    ['another title', [PLAN[0], { ...CREATE, wanted: { ...CREATE.wanted, title: 'Hook 2' } }]],
    ['another store', [PLAN[0], { ...CREATE, wanted: { ...CREATE.wanted, store: 'Android' } }]],
    ['another provider', [PLAN[0], { ...CREATE, wanted: { ...CREATE.wanted, provider: 'slack' } }]],
    [
      'a create that no longer activates',
      [PLAN[0], { ...CREATE, wanted: { ...CREATE.wanted, active: false } }]
    ],
    ['an entry fewer', [PLAN[0]]],
    ['an unmanaged record to pause', [...PLAN, { action: 'pause', record: rec({ id: 'old2', active: 1 }) }]]
  ])('changes with %s', (_, changed) => {
    expect(planDigest(changed)).not.toBe(planDigest(PLAN))
  })
})
