// The derived Idempotency-Key: stable for one run and request, different for anything else.
import { describe, expect, it } from '@jest/globals'
import { deriveIdempotencyKey, isRerun } from '../../src/domain/idempotency.js'

const run = { runId: '123456789', repository: 'acme/app' }
const request = {
  provider: 'amplitude',
  store: 'iOS',
  title: 'Amplitude — iOS',
  environment: 'production' as const
}

describe('deriveIdempotencyKey', () => {
  it('is stable, short printable ASCII naming the run', () => {
    const { key, random } = deriveIdempotencyKey(run, request)
    expect(random).toBe(false)
    expect(key).toBe(deriveIdempotencyKey({ ...run }, { ...request }).key)
    expect(key).toMatch(/^qia-123456789-[0-9a-f]{32}$/)
    expect(key.length).toBeLessThan(64)
  })

  it.each([
    ['run', { ...run, runId: '123456790' }, request],
    ['repository', { ...run, repository: 'acme/other' }, request],
    ['store (matrix legs)', run, { ...request, store: 'Android' }],
    ['provider', run, { ...request, provider: 'mixpanel' }],
    ['title', run, { ...request, title: 'Amplitude — iOS (new)' }],
    ['environment', run, { ...request, environment: 'sandbox' as const }]
  ])('changes with the %s', (_what, otherRun, otherRequest) => {
    expect(deriveIdempotencyKey(otherRun, otherRequest).key).not.toBe(deriveIdempotencyKey(run, request).key)
  })

  it('does not confuse fields that concatenate alike', () => {
    const a = deriveIdempotencyKey(run, { ...request, provider: 'ab', title: 'c' })
    const b = deriveIdempotencyKey(run, { ...request, provider: 'a', title: 'bc' })
    expect(a.key).not.toBe(b.key)
  })

  it('is random outside a workflow run', () => {
    const first = deriveIdempotencyKey({ runId: undefined, repository: '/' }, request)
    expect(first.random).toBe(true)
    expect(first.key).not.toBe(deriveIdempotencyKey({ runId: '', repository: '/' }, request).key)
  })
})

describe('isRerun', () => {
  it('reads GITHUB_RUN_ATTEMPT once for both actions: above 1 is a re-run, unset is the first run', () => {
    expect(isRerun({ GITHUB_RUN_ATTEMPT: '2' })).toBe(true)
    expect(isRerun({ GITHUB_RUN_ATTEMPT: '1' })).toBe(false)
    expect(isRerun({})).toBe(false)
  })
})
