// The manifest file (`integrations:` list in YAML or JSON): its zod schema, and every problem reported with file and line.
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml'
import { z } from 'zod/mini'
import { InputError } from '../domain/errors.js'
import { STORES } from '../domain/vocabulary.js'
import {
  GIVE_PROVIDER,
  GIVE_TITLE,
  STORE_RULE,
  providerProblem,
  storeHint,
  titleProblem
} from '../domain/rules.js'
import { closestNames, orList } from '../domain/suggest.js'
import { refinedString, stringTo } from '../runner/inputs.js'
import { readWorkspaceFile } from '../runner/workspace-file.js'
import { explainSyntaxError } from './yaml-syntax.js'

const ENTRY_KEYS = ['title', 'provider', 'store', 'active'] as const
const TOP_KEYS = ['integrations'] as const
const SHAPE = 'a mapping whose `integrations:` key lists entries with `title`, `provider` and `store`'
const ADD_ONE = 'add at least one entry with `title`, `provider` and `store`.'

/** A value as the message quotes it; long ones are cut, since a message names the problem, not the whole value. */
function describe(value: unknown): string {
  if (value === null) return 'empty'
  const written = typeof value === 'string' ? value : JSON.stringify(value)
  const points = [...written]
  return `\`${points.length > 60 ? `${points.slice(0, 60).join('')}…` : written}\``
}

/** A scalar that must be text: YAML reads `title: 2024` as a number and `title:` as null, so say how to fix that. */
const text = (what: string) =>
  z.string({
    error: (issue) =>
      issue.input === undefined
        ? `is missing; give ${what}.`
        : issue.input === null
          ? `is empty; give ${what}.`
          : `is ${describe(issue.input)}, not text; give ${what} (quote it if YAML reads it as a number or boolean).`
  })

// Trimmed as GitHub trims an input (core.getInput: String.prototype.trim), so that `title: >`, which ends in a line
// break, is the one line its author sees, and a title means the same in the file as in the single action.
const title = stringTo((value, ctx) => {
  const trimmed = value.trim()
  const problem = titleProblem(trimmed, 'file')
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
  return trimmed
}, text(GIVE_TITLE))

const provider = refinedString((value, ctx) => {
  const problem = providerProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
}, text(GIVE_PROVIDER))

const store = z.enum(STORES, {
  error: (issue) => {
    const value = issue.input
    if (value === undefined) return `is missing; ${STORE_RULE}.`
    return `is ${describe(value)}; ${STORE_RULE}.${storeHint(typeof value === 'string' ? value : '')}`
  }
})

const active = z.boolean({
  error: (issue) =>
    `is ${describe(issue.input)}; it must be \`true\` or \`false\` (or left out, which means \`true\`).`
})

const entrySchema = z.strictObject(
  { title, provider, store, active: z._default(active, true) },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `is ${describe(issue.input)}, not a mapping; each entry needs \`title\`, \`provider\` and \`store\`.`
        : undefined
  }
)

/** The manifest file's schema; its output (plus the line of each entry) is what the planner receives. */
const manifestSchema = z.strictObject(
  {
    integrations: z
      .array(entrySchema, {
        error: (issue) =>
          issue.input === undefined
            ? `is missing; the file must be ${SHAPE}.`
            : issue.input === null
              ? `is empty; ${ADD_ONE}`
              : `is ${describe(issue.input)}, not a list; write one \`- title: …\` entry per integration.`
      })
      .check(z.minLength(1, { error: `lists no integrations; ${ADD_ONE}` }))
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? `must be ${SHAPE}; found ${Array.isArray(issue.input) ? 'a list (indent it under `integrations:`)' : describe(issue.input)}.`
        : undefined
  }
)

export type ManifestEntry = z.output<typeof entrySchema> & {
  /** The 1-based line where the entry starts, for messages and annotations. */
  line: number
}

type Path = readonly PropertyKey[]

interface Problem {
  /** Where in the text the problem is; the message gives its line. */
  offset: number
  message: string
}

/** `integrations[1].store`, or `The file` for the top level. */
function nameOf(path: Path): string {
  if (path.length === 0) return 'The file'
  const name = path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('')
  return `\`${name}\``
}

/** Where in the text the nodes that zod's issue paths name begin (offsets, so that problems sort in reading order). */
function positions(doc: Document) {
  /** The deepest node along `path` that exists: a missing key is reported where its entry begins. */
  const ofPath = (path: Path): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true)
      if (isNode(node) && node.range) return node.range[0]
    }
    return 0
  }
  /** Key `key` of the mapping at `path`. */
  const ofKey = (path: Path, key: string): number => {
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true)
    const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined
    return isScalar(pair?.key) && pair.key.range ? pair.key.range[0] : ofPath(path)
  }
  return { ofPath, ofKey }
}

function unknownKey(path: Path, key: string, allowed: readonly string[]): string {
  const near = closestNames(key, allowed, 1)
  return (
    `${nameOf(path)} has an unknown key \`${key}\`; ` +
    (path.length === 0 ? 'its only key is `integrations`.' : `an entry may have only ${orList(allowed)}.`) +
    (near.length ? ` Did you mean \`${near[0]}\`?` : '')
  )
}

/** Entries with the same title and store: the action tells integrations apart by that pair alone. */
function duplicates(
  data: unknown,
  offsetOf: (path: Path) => number,
  lineAt: (offset: number) => number
): Problem[] {
  const list = (data as { integrations?: unknown } | null)?.integrations
  if (!Array.isArray(list)) return []
  const seen = new Map<string, number>()
  const problems: Problem[] = []
  list.forEach((entry: unknown, index) => {
    const { title: writtenTitle, store: written } = (entry ?? {}) as { title?: unknown; store?: unknown }
    if (typeof writtenTitle !== 'string' || typeof written !== 'string') return
    const title = writtenTitle.trim()
    // `ios` is refused on its own line; matched as `iOS` here, the clash it hides is reported in the same run.
    const store = STORES.find((s) => s.toLowerCase() === written.toLowerCase()) ?? written
    const key = JSON.stringify([title, store])
    const first = seen.get(key)
    if (first === undefined) {
      seen.set(key, index)
      return
    }
    const offset = offsetOf(['integrations', index])
    problems.push({
      offset,
      message:
        `${nameOf(['integrations', index])} repeats title \`${title}\` with store \`${store}\` ` +
        `(lines ${lineAt(offsetOf(['integrations', first]))} and ${lineAt(offset)}); ` +
        'an integration is known by its title and store, so each pair may appear once.'
    })
  })
  return problems
}

/** Throws one InputError with every problem, in reading order. */
function fail(fileName: string, problems: Problem[], lineAt: (offset: number) => number): never {
  const sorted = problems.map((p, i) => ({ ...p, i })).sort((a, b) => a.offset - b.offset || a.i - b.i)
  throw new InputError(
    sorted.map((p) => `${fileName}:${lineAt(p.offset)}: ${p.message}`),
    `problems in ${fileName}`
  )
}

/**
 * More values than a 1 MiB file can hold written out (about 500,000 at two bytes each): only aliases reach it.
 * Walking this many takes milliseconds, and it bounds every later walk of the data (validation, messages).
 */
const MAX_VALUES = 1_000_000

/**
 * Refuses data that aliases expand past MAX_VALUES (a "billion laughs" file) or that contains itself (an alias
 * inside its own anchor): yaml builds each anchor once and shares it, so such data is small in memory but endless
 * to walk. Iterative, so that deep nesting cannot overflow the stack.
 */
function refuseBomb(data: unknown, fileName: string): void {
  let values = 0
  // The collections from the top down to the value being walked; a Leave on the stack marks where one ends.
  const path = new Set<object>()
  const stack: unknown[] = [data]
  while (stack.length > 0) {
    const value = stack.pop()
    if (value instanceof Leave) {
      path.delete(value.collection)
      continue
    }
    values += 1
    if (values > MAX_VALUES)
      throw new InputError([
        `${fileName}: its aliases (\`*name\`) expand to more than ${MAX_VALUES.toLocaleString('en-US')} values; ` +
          'a manifest needs far fewer, so the file is refused as a YAML expansion bomb. Write the entries out.'
      ])
    if (typeof value !== 'object' || value === null) continue
    if (path.has(value))
      throw new InputError([
        `${fileName}: an alias (\`*name\`) sits inside its own anchor (\`&name\`), so its data never ends; ` +
          'refer only to an anchor that is complete.'
      ])
    path.add(value)
    stack.push(new Leave(value))
    for (const child of Object.values(value)) stack.push(child)
  }
}

/** On refuseBomb's stack: the walk of `collection` ends here. */
class Leave {
  constructor(readonly collection: object) {}
}

/** Parses and validates the file's text; throws InputError listing every problem at once, each as `<fileName>:<line>: …`. */
export function parseManifest(text: string, fileName: string): ManifestEntry[] {
  const counter = new LineCounter()
  const lineAt = (offset: number): number => counter.linePos(offset).line
  // Pretty errors off: their text repeats the position and quotes the source, while we give `file:line:` ourselves.
  // Log level `error`: yaml would otherwise print its own warnings (e.g. about a `[x]:` key) to the action's log.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, logLevel: 'error' })
  const [syntax] = doc.errors
  if (syntax) {
    // Only the first: the parser guesses its way on after it, so later errors and the data are often its echoes.
    const { line, message } = explainSyntaxError(text, syntax, lineAt)
    fail(fileName, [{ offset: counter.lineStarts[line - 1] ?? syntax.pos[0], message }], lineAt)
  }
  let data: unknown
  try {
    // yaml's own alias limit (100 by default) counts every use of an anchor, so 120 entries sharing
    // `provider: *wh` were refused; what can hurt is the size the aliases expand to, bounded by refuseBomb below.
    data = doc.toJS({ maxAliasCount: -1 })
  } catch (error) {
    // An alias before its anchor: the document parses, but its data cannot be built.
    throw new InputError([`${fileName}: YAML error: ${(error as Error).message}.`], undefined, {
      cause: error
    })
  }
  refuseBomb(data, fileName)
  if (data === null || data === undefined) {
    fail(fileName, [{ offset: 0, message: `The file is empty; it must be ${SHAPE}.` }], lineAt)
  }
  const at = positions(doc)
  const problems: Problem[] = []
  const parsed = manifestSchema.safeParse(data)
  const issues = parsed.success ? [] : parsed.error.issues
  // `stor:` is reported with "Did you mean `store`?"; saying also that `store` is missing would repeat it.
  const suggested = new Set<string>()
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue
    const allowed = issue.path.length === 0 ? TOP_KEYS : ENTRY_KEYS
    for (const key of issue.keys) {
      problems.push({ offset: at.ofKey(issue.path, key), message: unknownKey(issue.path, key, allowed) })
      for (const near of closestNames(key, allowed, 1)) suggested.add(JSON.stringify([...issue.path, near]))
    }
  }
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue
    if (suggested.has(JSON.stringify(issue.path)) && !doc.hasIn(issue.path)) continue
    problems.push({ offset: at.ofPath(issue.path), message: `${nameOf(issue.path)} ${issue.message}` })
  }
  problems.push(...duplicates(data, at.ofPath, lineAt))
  if (problems.length > 0 || !parsed.success) fail(fileName, problems, lineAt)
  return parsed.data.integrations.map((entry, index) => ({
    ...entry,
    line: lineAt(at.ofPath(['integrations', index]))
  }))
}

/** Reads `file` (inside `workspace`, GITHUB_WORKSPACE; see readWorkspaceFile for what is refused) and parses it. */
export function readManifest(workspace: string, file: string): ManifestEntry[] {
  return parseManifest(readWorkspaceFile(workspace, 'file', file), file)
}
