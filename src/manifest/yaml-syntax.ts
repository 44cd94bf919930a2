// A YAML syntax error in plain words, at the line that needs the fix: the parser reports where it gave up, which for
// a mis-indented key is often the line above, and in its own terms.
import type { YAMLError } from 'yaml'

interface Line {
  number: number
  indent: number
  /** The key of a `key:` line (after a `- ` item marker, if any), else undefined. */
  key?: string
  /** The column where that key starts. */
  keyColumn: number
  /** True when the key has a value on its own line (`key: value`), so no deeper block may follow. */
  inline: boolean
}

const KEY = /^(\s*)(-\s+)?([^\s#'"{[][^:#]*?|"[^"]*"|'[^']*'):(?:\s+(\S.*))?\s*$/

function readLine(text: string, number: number): Line | undefined {
  const match = KEY.exec(text)
  if (!match) return undefined
  const indent = match[1].length
  return {
    number,
    indent,
    key: match[3],
    keyColumn: indent + (match[2]?.length ?? 0),
    inline: match[4] !== undefined && !match[4].startsWith('#')
  }
}

/**
 * A `key:` line indented differently from the key above it in the same entry, looked for at and just after the
 * parser's line; undefined when the error is of another kind.
 */
function misindented(lines: string[], parserLine: number): { line: number; message: string } | undefined {
  for (const at of [parserLine, parserLine + 1]) {
    const line = readLine(lines[at - 1] ?? '', at)
    if (!line || line.key === undefined || /^\s*-/.test(lines[at - 1])) continue
    let above: Line | undefined
    for (let n = at - 1; n >= 1 && !above; n--) {
      if (lines[n - 1].trim() === '' || lines[n - 1].trim().startsWith('#')) continue
      above = readLine(lines[n - 1], n)
      if (!above) break
    }
    if (!above?.inline || line.indent === above.keyColumn) continue
    const deeper = line.indent > above.keyColumn
    if (!deeper && lines.slice(0, at - 1).some((l) => readLine(l, 0)?.keyColumn === line.indent)) continue
    return {
      line: at,
      message:
        `\`${line.key}:\` is indented ${line.indent} spaces, but \`${above.key}:\` on line ${above.number} is ` +
        `indented ${above.keyColumn}; the keys of one entry must line up. Indent \`${line.key}:\` like \`${above.key}:\`.`
    }
  }
  return undefined
}

/** The parser's codes for what a mis-indented key looks like to it. */
const INDENTATION_CODES = new Set([
  'BAD_INDENT',
  'BLOCK_AS_IMPLICIT_KEY',
  'MISSING_CHAR',
  'MULTILINE_IMPLICIT_KEY',
  'UNEXPECTED_TOKEN'
])

const PLAIN: Record<string, string> = {
  TAB_AS_INDENT: 'a tab indents this line; YAML indents with spaces only.',
  DUPLICATE_KEY: 'a key appears twice in the same mapping; keep one.',
  BAD_INDENT: 'this line is not indented where YAML expects it; line it up with the lines of its entry.'
}

/** Where (1-based line) and what to say about the parser's first error. */
export function explainSyntaxError(
  text: string,
  error: YAMLError,
  lineAt: (offset: number) => number
): { line: number; message: string } {
  const parserLine = lineAt(error.pos[0])
  const lines = text.split(/\r?\n/)
  const indentation = INDENTATION_CODES.has(error.code) ? misindented(lines, parserLine) : undefined
  if (indentation) return { line: indentation.line, message: `YAML syntax error: ${indentation.message}` }
  const plain = PLAIN[error.code]
  return {
    line: parserLine,
    message: `YAML syntax error: ${plain ?? `${error.message}.`}${plain ? ` (The parser says: ${error.message}.)` : ''}`
  }
}
