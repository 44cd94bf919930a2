// Server text as the parsing, printing and output layers treat it: kept exact when read, neutralised when printed,
// cut with a note only past GitHub's 1 MB per output.
import { describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { useNock } from '../../__fixtures__/use-nock.js'
import { API, baseInputs, record, runAction } from '../../__fixtures__/run-action.js'
import { MAX_OUTPUT_BYTES, fitOutput } from '../../src/runner/output-limit.js'
import { integrationListSchema, integrationResponseSchema } from '../../src/qonversion/schemas.js'
import { neutralise } from '../../src/net/untrusted.js'

useNock()

const TITLE = `A\tB${'😀'.repeat(252)}\n`

describe('parsing keeps server text exact', () => {
  it('a record’s title, provider, url, times and error message are read as sent', () => {
    const sent = record({
      title: TITLE,
      integration: 'Amplitude\r\n',
      url: `/v4/integrations/x?${'q'.repeat(400)}`,
      created_at: 'yesterday\t',
      last_error_message: '\u001b[31mred\u2028'
    })
    expect(integrationResponseSchema.parse(sent)).toEqual(sent)
    expect(integrationResponseSchema.parse({ data: sent })).toEqual(sent)
  })

  it('a list that repeats an id holds the record once, as first listed, in order', () => {
    const a = record({ id: 'A', active: 1 })
    const b = record({ id: 'B' })
    const parsed = integrationListSchema.parse({ data: [a, b, { ...a, active: 0 }, b] })
    expect(parsed.map((r) => [r.id, r.active])).toEqual([
      ['A', 1],
      ['B', 0]
    ])
  })
})

describe('neutralise, where text is printed', () => {
  it('escapes controls and caps without splitting an emoji', () => {
    expect(neutralise('a\tb\nc\u2028', 100)).toBe('a\\tb\\nc\\u2028')
    const capped = neutralise('x😀😀', 2)
    expect(capped).toBe('x…')
    expect(neutralise('😀😀', 3)).toBe('😀…')
  })
})

describe('outputs over GitHub’s 1 MB per output', () => {
  it('a value that fits is unchanged, whatever it holds', () => {
    expect(fitOutput(TITLE)).toEqual({ value: TITLE, cut: false })
    const exactlyFull = 'a'.repeat(MAX_OUTPUT_BYTES)
    expect(fitOutput(exactlyFull).value).toBe(exactlyFull)
  })

  it('a longer value is cut to the limit at a character boundary, its start unchanged, with a note', () => {
    const long = `a${'😀'.repeat(MAX_OUTPUT_BYTES / 4)}`
    const { value, cut } = fitOutput(long)
    expect(cut).toBe(true)
    expect(Buffer.byteLength(value, 'utf8')).toBeLessThanOrEqual(MAX_OUTPUT_BYTES)
    const [head, note] = value.split('… [cut:')
    expect(long.startsWith(head)).toBe(true)
    expect(head.length).toBeGreaterThan(MAX_OUTPUT_BYTES / 2 - 100)
    expect(note).toBe(
      ` the value was ${Buffer.byteLength(long)} bytes, over GitHub's limit of 1 MB per output]`
    )
  })

  it('the single action cuts an over-long output with a warning and sets the others exactly', async () => {
    const message = `E\n${'x'.repeat(1_200_000)}`
    nock(API)
      .post('/integrations')
      .reply(201, record({ last_error_message: message }))
    const result = await runAction(baseInputs)
    expect(result.failed).toBe(false)
    expect(result.stdout).toMatch(
      /::warning::Output `last-error` is over GitHub's limit of 1 MB per output, so it was cut\./
    )
    expect(result.stdout).toMatch(/::warning::Output `integration` is over GitHub's limit/)
    expect(result.outputs['last-error'].startsWith('E\nxxx')).toBe(true)
    expect(result.outputs['last-error']).toMatch(
      /… \[cut: the value was 1200002 bytes, over GitHub's limit of 1 MB per output\]$/
    )
    expect(result.outputs['integration-id']).toBe('gNl6hyM6')
  })
})
