// The rules for what a title, a provider and a store may be: one set for both actions' inputs and the manifest file.

const LINE_BREAKS: Record<string, string> = {
  '\n': '`\\n`',
  '\r': '`\\r`',
  '\u2028': 'U+2028',
  '\u2029': 'U+2029'
}

/**
 * The first line break in `value`, as a message names it, if any. Line breaks are JavaScript's line terminators
 * (the ones `trim()` also removes); a title is shown on one line everywhere, so one inside it is refused rather
 * than changed, while tabs, emoji and every other character are sent exactly.
 */
export function lineBreakIn(value: string): string | undefined {
  const found = /[\n\r\u2028\u2029]/.exec(value)
  return found ? LINE_BREAKS[found[0]] : undefined
}
