// How the single action ends, in-process against nock: outputs and summary when the step fails, log lines that say
// what is true, and retries only for statuses that can succeed later.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../../__fixtures__/run-action.js'
import { type Sent, anyRequest, post } from '../../../__fixtures__/nock-single.js'

const unauthorized = { error: { type: 'request', code: 'control_unauthorized', message: 'Unauthorized' } }

useNock()

describe('outputs and summary when the step fails', () => {
  it('activation refused after a create: outputs set, summary written, the failure names the id', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 201, record())
    post(sent, '/integrations/gNl6hyM6/status', 403, {
      error: { type: 'request', code: 'control_forbidden', message: 'Forbidden' }
    })
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.failed).toBe(true)
    expect(sent.map((s) => [s.path, s.body])).toEqual([
      ['/v4/integrations', { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' }],
      ['/v4/integrations/gNl6hyM6/status', { status: 1 }]
    ])
    expect(result.failure).toMatch(
      /^qonversion-integration-action: Setting integration gNl6hyM6 active failed: HTTP 403 control_forbidden — Forbidden/
    )
    expect(result.outputs).toMatchObject({
      'integration-id': 'gNl6hyM6',
      created: 'true',
      status: '0',
      'status-label': 'paused',
      health: 'paused',
      'idempotency-key': expect.stringMatching(/^qia-4242-/)
    })
    expect(result.summary).toContain('— failed')
    expect(result.summary).toContain('<td>Integration id</td><td><code>gNl6hyM6</code></td>')
    expect(result.summary).toContain('created (paused), activation failed')
    expect(result.summary).toMatch(/Setting integration gNl6hyM6 active failed: HTTP 403/)
  })

  it('a health requirement not met: outputs set, summary written with the health', async () => {
    post([], '/integrations', 201, record())
    const result = await runAction({ ...baseInputs, require: 'active' })
    expect(result.failed).toBe(true)
    expect(result.failure).toMatch(/Integration gNl6hyM6 .* is paused; `require: active`/)
    expect(result.outputs).toMatchObject({ 'integration-id': 'gNl6hyM6', created: 'true', health: 'paused' })
    expect(result.summary).toContain('<td>Health</td><td>paused</td>')
    expect(result.summary).toContain('— failed')
  })

  it('invalid input: the summary says what was asked and the error', async () => {
    const scope = anyRequest()
    const result = await runAction({ ...baseInputs, store: 'ios' })
    expect(result.failed).toBe(true)
    expect(scope.pendingMocks()).toHaveLength(2)
    expect(result.summary).toContain('— failed')
    expect(result.summary).toContain('<td>Title</td><td>Amplitude — iOS</td>')
    expect(result.summary).toContain('Input `store` is `ios`')
    expect(result.summary).toContain('<td>HTTP attempts</td><td>0</td>')
  })

  it('a refused create: the summary carries the error', async () => {
    nock(API).post('/integrations').reply(401, unauthorized)
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(result.summary).toContain('— failed')
    expect(result.summary).toContain('Creating the integration failed: HTTP 401')
    expect(result.outputs['integration-id']).toBeUndefined()
  })
})

describe('log lines say what is true', () => {
  it('a create without activate is "created (paused)"', async () => {
    post([], '/integrations', 201, record())
    const result = await runAction(baseInputs)
    expect(result.stdout).toContain('Integration gNl6hyM6: created (paused).')
    expect(result.stdout).not.toMatch(/ready/i)
  })

  it('a create with activate is "created and set active"', async () => {
    post([], '/integrations', 201, record())
    post([], '/integrations/gNl6hyM6/status', 200, record({ active: 1 }))
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.stdout).toContain('Integration gNl6hyM6: created and set active.')
    expect(result.stdout).not.toMatch(/ready/i)
  })

  it('an activation answered with a paused record says so, not "set active"', async () => {
    post([], '/integrations', 201, record())
    post([], '/integrations/gNl6hyM6/status', 200, record({ active: 0 }))
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.stdout).toContain('Integration gNl6hyM6: created and asked to set active, answered paused.')
    expect(result.stdout).not.toContain('created and set active')
    expect(result.outputs['status-label']).toBe('paused')
  })

  it('an activation answered in the error state says so and warns, as for a suspended record found', async () => {
    post([], '/integrations', 201, record())
    post(
      [],
      '/integrations/gNl6hyM6/status',
      200,
      record({ active: 2, last_error_message: 'Invalid API key' })
    )
    const result = await runAction({ ...baseInputs, activate: 'true' })
    expect(result.failed).toBe(false)
    expect(result.stdout).toContain('Integration gNl6hyM6: created and asked to set active, answered error.')
    expect(result.stdout).toMatch(
      /::warning::Integration gNl6hyM6 is in the error state\. Last error: Invalid API key/
    )
  })
})

describe('retries only for statuses that can succeed later', () => {
  it.each([501, 505])('HTTP %i fails at once: one request, no wait', async (status) => {
    const first = nock(API)
      .post('/integrations')
      .reply(status, { error: { code: 'nope', message: 'Not here' } })
    const retry = nock(API).post('/integrations').reply(201, record())
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(true)
    expect(first.isDone()).toBe(true)
    expect(retry.isDone()).toBe(false)
    expect(result.sleeps).toEqual([])
    expect(result.failure).toMatch(
      new RegExp(`Creating the integration failed: HTTP ${status} nope — Not here`)
    )
  })

  it('HTTP 425 is retried with the same key', async () => {
    const sent: Sent[] = []
    post(sent, '/integrations', 425, { error: { code: 'too_early', message: 'Too early' } })
    post(sent, '/integrations', 201, record())
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(sent).toHaveLength(2)
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key'])
    expect(result.sleeps).toHaveLength(1)
    expect(result.stdout).toContain('POST /v4/integrations: attempt 1 of 4 failed: HTTP 425; retrying in')
  })
})
