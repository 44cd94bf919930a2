// GitHub keeps at most 1 MB of one step output: a longer value is cut at that size with a note saying so, never
// otherwise rewritten, so every output under the limit carries the API's text exactly.

/** 1 MB as GitHub counts it, in UTF-8 bytes; the note is counted inside it. */
export const MAX_OUTPUT_BYTES = 1_000_000

const noteFor = (bytes: number): string =>
  `… [cut: the value was ${bytes} bytes, over GitHub's limit of 1 MB per output]`

/** The value as it can be set: unchanged when it fits, else its first bytes (never half a character) and the note. */
export function fitOutput(value: string): { value: string; cut: boolean } {
  const utf8 = Buffer.from(value, 'utf8')
  if (utf8.length <= MAX_OUTPUT_BYTES) return { value, cut: false }
  const note = noteFor(utf8.length)
  let end = MAX_OUTPUT_BYTES - Buffer.byteLength(note, 'utf8')
  // A continuation byte (10xxxxxx) right after the cut means a character straddles it: cut before that character.
  while (end > 0 && (utf8[end] & 0xc0) === 0x80) end--
  return { value: `${utf8.subarray(0, end).toString('utf8')}${note}`, cut: true }
}
