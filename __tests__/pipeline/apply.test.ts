// apply() over a scripted API: each decision becomes the requests it needs and a result saying what happened; a
// failure stays with its entry; preview() says the same without a request.
import { describe, expect, it } from '@jest/globals'
import { ApiError, ConflictError, InputError, WrongRecordError } from '../../src/domain/errors.js'
import type { Decision } from '../../src/domain/plan.js'
import { apply, preview, stateWord } from '../../src/pipeline/apply.js'
import { ApiSession } from '../../src/pipeline/session.js'
import { keptLog, scriptedApi, type Reply, type Sent } from '../../__fixtures__/api.js'
import { entry, integration, record } from '../../__fixtures__/records.js'

const wanted = entry

/** Creates answer with the record sent; a status call answers with the id's record in the new state. */
const project = (sent: Sent): Reply => {
  if (sent.path === '/integrations') {
    const body = sent.body as { title: string; target_platform: string }
    return [201, record({ id: 'NEW1', title: body.title, target_platform: body.target_platform })]
  }
  const id = /^\/integrations\/([^/]+)\/status$/.exec(sent.path)![1]
  return [200, record({ id, active: (sent.body as { status: number }).status })]
}

const run = async (
  decisions: Decision[],
  answer: (sent: Sent) => Reply | Promise<Reply> = project,
  concurrency = 2
) => {
  const { api, sent } = scriptedApi(answer, 1)
  const results = await apply(decisions, new ApiSession(api, keptLog()), {
    concurrency,
    keyFor: (w) => `key-${w.title}`
  })
  return { results, sent: sent.map((s) => `${s.method} ${s.path}`), bodies: sent.map((s) => s.body) }
}

describe('apply', () => {
  it('creates with the entry’s key and reports the record, paused', async () => {
    const { results, sent, bodies } = await run([{ action: 'create', wanted: wanted() }])
    expect(sent).toEqual(['POST /integrations'])
    expect(bodies).toEqual([{ title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS' }])
    expect(results).toMatchObject([
      { created: true, wrote: true, done: 'created (paused)', record: { id: 'NEW1' } }
    ])
    expect(results[0].error).toBeUndefined()
  })

  it('creates then activates when the entry asks for an active integration', async () => {
    const { results, sent } = await run([{ action: 'create', wanted: wanted({ active: true }) }])
    expect(sent).toEqual(['POST /integrations', 'POST /integrations/NEW1/status'])
    expect(results[0]).toMatchObject({ created: true, done: 'created and set active', record: { active: 1 } })
  })

  it('keeps the created record when its activation fails, and says so', async () => {
    const { results } = await run([{ action: 'create', wanted: wanted({ active: true }) }], (s) =>
      s.path === '/integrations' ? project(s) : [500, {}]
    )
    expect(results[0]).toMatchObject({
      created: true,
      wrote: true,
      done: 'created (paused), activation failed',
      record: { id: 'NEW1', active: 0 }
    })
    expect(results[0].error).toBeInstanceOf(ApiError)
  })

  it('refuses a create answered with another integration: no record, not activated', async () => {
    const { results, sent } = await run([{ action: 'create', wanted: wanted({ active: true }) }], () => [
      201,
      record({ id: 'OTHER', title: 'Someone else’s' })
    ])
    expect(sent).toEqual(['POST /integrations'])
    expect(results[0]).toMatchObject({ created: false, done: 'failed' })
    expect(results[0].record).toBeUndefined()
    expect(results[0].error).toBeInstanceOf(WrongRecordError)
  })

  it('activates and pauses through the status call, saying what the answer says', async () => {
    const { results, sent } = await run([
      { action: 'activate', wanted: wanted(), record: integration({ id: 'P1' }) },
      { action: 'pause', record: integration({ id: 'A1', active: 1 }) }
    ])
    expect(sent.sort()).toEqual(['POST /integrations/A1/status', 'POST /integrations/P1/status'])
    expect(results.map((r) => [r.record?.id, r.done, r.wrote])).toEqual([
      ['P1', 'set active', true],
      ['A1', 'paused', true]
    ])
  })

  it('says when an activation is answered with the record still paused', async () => {
    const { results } = await run(
      [{ action: 'activate', wanted: wanted(), record: integration({ id: 'P1' }) }],
      () => [200, record({ id: 'P1', active: 0 })]
    )
    expect(results[0].done).toBe('asked to set active, answered paused')
  })

  it('sends nothing for reuse, nothing, conflict and invalid; a failure stays with its entry', async () => {
    const decisions: Decision[] = [
      { action: 'reuse', wanted: wanted(), record: integration({ id: 'R1', active: 1 }) },
      { action: 'nothing', record: integration({ id: 'N1', active: 2 }) },
      { action: 'conflict', wanted: wanted(), reason: 'two match: C1, C2' },
      { action: 'invalid', wanted: wanted(), reason: 'store `Web` is not supported' }
    ]
    const { results, sent } = await run(decisions)
    expect(sent).toEqual([])
    expect(results.map((r) => [r.record?.id, r.done])).toEqual([
      ['R1', 'reused (active)'],
      ['N1', 'unchanged (error)'],
      [undefined, 'conflict'],
      [undefined, 'not sent']
    ])
    expect(results[2].error).toBeInstanceOf(ConflictError)
    expect(results[2].error?.message).toBe('two match: C1, C2')
    expect(results[3].error).toBeInstanceOf(InputError)
  })

  it('keeps results in the decisions’ order, whatever order the writes end in', async () => {
    const decisions: Decision[] = ['A', 'B', 'C'].map((title) => ({
      action: 'create',
      wanted: wanted({ title })
    }))
    const ended: string[] = []
    // A's answer comes last, C's first.
    const late = (s: Sent) => {
      const { title } = s.body as { title: string }
      return new Promise<Reply>((resolve) =>
        setTimeout(() => {
          ended.push(title)
          resolve(project(s))
        }, { A: 30, B: 15, C: 0 }[title])
      )
    }
    const { results } = await run(decisions, late, 3)
    expect(ended).toEqual(['C', 'B', 'A'])
    expect(results.map((r) => r.record?.title)).toEqual(['A', 'B', 'C'])
  })
})

describe('preview', () => {
  it('plans the writes and settles the rest as apply would, without a session', () => {
    const results = preview([
      { action: 'create', wanted: wanted() },
      { action: 'reuse', wanted: wanted(), record: integration({ id: 'R1' }) },
      { action: 'conflict', wanted: wanted(), reason: 'two match' }
    ])
    expect(results.map((r) => [r.done, r.record?.id, r.error?.constructor.name])).toEqual([
      ['planned', undefined, undefined],
      ['reused (paused)', 'R1', undefined],
      ['conflict', undefined, 'ConflictError']
    ])
  })
})

describe('stateWord', () => {
  it('names the documented states and shows any other as unknown', () => {
    expect([0, 1, 2, 7].map(stateWord)).toEqual(['paused', 'active', 'error', 'unknown (7)'])
  })
})
