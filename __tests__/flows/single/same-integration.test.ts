// The same integration, every time, in the single action in-process against nock: server text kept exact for
// matching and outputs (escaped only where printed), an answer that is not the record asked for refused, and a list
// that repeats a record read once.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { project } from '../../../__fixtures__/nock-project.js'

useNock()

/** 255 characters (code points) with a tab and 252 emoji: 507 UTF-16 units, over every old cap. */
const TITLE = `A\tB${'😀'.repeat(252)}`

describe('server text is kept exact where compared or handed on, escaped where printed', () => {
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
})

describe('the answer must be the record asked for', () => {
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
})

describe('a list that repeats a record reads it once', () => {
  it('single action, `if-exists: reuse`: the record listed twice is reused, not a conflict of two', async () => {
    const twice = record({ id: 'amp1', active: 1 })
    project([twice, twice])
    const result = await runAction({ ...baseInputs, 'if-exists': 'reuse' })
    expect(result.failed).toBe(false)
    expect(result.outputs['integration-id']).toBe('amp1')
  })
})
