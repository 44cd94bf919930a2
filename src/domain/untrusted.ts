// Server text made safe to print: what every string from the API passes through where it reaches the log, the job
// summary, an annotation or a comment — never where it is compared or handed on, which keep it exactly as sent.

/**
 * C0 and C1 controls, DEL and the Unicode line and paragraph separators — anything that could end a log line — and
 * the bidirectional marks and overrides, which make a printed line read in another order than it was written.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * Escapes every control character (a newline becomes the two characters `\n`) and caps the length, so text a
 * server sends can never start a line of its own — and so never a workflow command such as `::stop-commands::`
 * or `::set-output::` — nor flood the log. The cap never splits an emoji's surrogate pair.
 */
export function neutralise(text: string, maxLength = 500): string {
  const escaped = text.replace(
    CONTROLS,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  if (escaped.length <= maxLength) return escaped
  const highSurrogateLast = /[\ud800-\udbff]/.test(escaped[maxLength - 1] ?? '')
  return `${escaped.slice(0, highSurrogateLast ? maxLength - 1 : maxLength)}…`
}
