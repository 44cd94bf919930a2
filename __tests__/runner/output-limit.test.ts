// Outputs past GitHub's 1 MB per output: cut at a character boundary with a note, anything shorter unchanged.
import { describe, expect, it } from '@jest/globals'
import { MAX_OUTPUT_BYTES, fitOutput } from '../../src/runner/output-limit.js'

const TITLE = `A\tB${'😀'.repeat(252)}\n`

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
})
