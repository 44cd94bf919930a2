// The runner's side of a step, spoken directly: inputs from INPUT_* variables, workflow commands on stdout (log
// lines, annotations, masks) and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. This is all of @actions/core the
// actions use, in the formats GitHub documents; without that package nothing at start-up loads its HTTP client,
// undici, exec or fs/promises.
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'

/** Where a step's text goes: stdout and the environment, injectable so tests need no global state. */
export interface RunnerIo {
  env: Readonly<Record<string, string | undefined>>
  write: (text: string) => void
}

const processIo: RunnerIo = { env: process.env, write: (text) => void process.stdout.write(text) }
let io: RunnerIo = processIo

/** Points every command at another stdout and environment (tests); with no argument, back to the process's. */
export function useRunnerIo(next: RunnerIo = processIo): void {
  io = next
}

/** A workflow command's message: `%`, CR and LF escaped so one command stays one line. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A command property's value: as a message, and `:` and `,` too, which separate properties. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: string
): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',')
  io.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`)
}

/** The input as the runner passes it (`INPUT_` + name upper-cased, spaces as `_`, hyphens kept), trimmed. */
export function getInput(name: string): string {
  return (io.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Masks a value in every later line of the log. */
export function setSecret(secret: string): void {
  command('add-mask', {}, secret)
}

export function info(message: string): void {
  io.write(`${message}${EOL}`)
}

export function debug(message: string): void {
  command('debug', {}, message)
}

/** Where an annotation points: the properties GitHub reads from `::error` and `::warning`. */
export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
}

const annotation = (properties: AnnotationProperties) => ({
  title: properties.title,
  file: properties.file,
  line: properties.startLine
})

export function warning(message: string, properties: AnnotationProperties = {}): void {
  command('warning', annotation(properties), message)
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  command('error', annotation(properties), message)
}

/** One error line and a failing exit code; the process still ends on its own, after the files are written. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/**
 * Appends `name<<DELIMITER … DELIMITER` to GITHUB_OUTPUT, the delimiter random so no value can end the record
 * early. Outside a runner (no GITHUB_OUTPUT) the value is only logged as a debug line.
 */
export function setOutput(name: string, value: string): void {
  const file = io.env.GITHUB_OUTPUT
  if (!file) {
    debug(`output ${name}: ${value}`)
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`the output ${name} contains its own delimiter; it was not written`)
  appendRunnerFile('GITHUB_OUTPUT', file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`)
}

/** A runner file is made by the runner before the step starts: one that is missing is refused, not created. */
function appendRunnerFile(variable: string, file: string, text: string): void {
  if (!existsSync(file)) throw new Error(`${variable} names ${file}, which does not exist`)
  appendFileSync(file, text, 'utf8')
}

export type SummaryCell = string | { data: string; header?: boolean }

/** The job summary's markdown/HTML, built in memory and appended to GITHUB_STEP_SUMMARY in one write. */
export class Summary {
  private buffer = ''

  addRaw(text: string, addEol = false): this {
    this.buffer += addEol ? `${text}${EOL}` : text
    return this
  }

  addEOL(): this {
    return this.addRaw(EOL)
  }

  addHeading(text: string, level: 1 | 2 | 3 | 4 | 5 | 6 = 1): this {
    return this.addRaw(`<h${level}>${text}</h${level}>`, true)
  }

  addCodeBlock(code: string): this {
    return this.addRaw(`<pre><code>${code}</code></pre>`, true)
  }

  /** Cells are HTML already (escape server text before); `{ header: true }` makes a `<th>`. */
  addTable(rows: SummaryCell[][]): this {
    const cell = (c: SummaryCell): string =>
      typeof c === 'string' ? `<td>${c}</td>` : c.header ? `<th>${c.data}</th>` : `<td>${c.data}</td>`
    const body = rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('')
    return this.addRaw(`<table>${body}</table>`, true)
  }

  /** Appends what was built to GITHUB_STEP_SUMMARY (a step's summary is the file's whole content) and empties it. */
  write(): void {
    const file = io.env.GITHUB_STEP_SUMMARY
    if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set')
    const text = this.buffer
    this.buffer = ''
    appendRunnerFile('GITHUB_STEP_SUMMARY', file, text)
  }
}
