// Server text where it is printed: neutralised (controls escaped) and capped without splitting a character.
import { describe, expect, it } from '@jest/globals'
import { neutralise } from '../../src/domain/untrusted.js'

describe('neutralise, where text is printed', () => {
  it('escapes controls and caps without splitting an emoji', () => {
    expect(neutralise('a\tb\nc\u2028', 100)).toBe('a\\tb\\nc\\u2028')
    const capped = neutralise('x😀😀', 2)
    expect(capped).toBe('x…')
    expect(neutralise('😀😀', 3)).toBe('😀…')
  })

  it('escapes bidirectional overrides and marks, so a line reads in the order it was written', () => {
    expect(neutralise('id \u202eFED\u202c \u2066x\u2069\u200f', 100)).toBe(
      'id \\u202eFED\\u202c \\u2066x\\u2069\\u200f'
    )
  })
})
