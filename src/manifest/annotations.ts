// Problems pinned to the manifest's lines as workflow annotations, so they show in a pull request's "Files changed":
// which ones, at which line, and GitHub's limit of ten of each kind per step (the rest are counted in the summary).
import * as core from '@actions/core'
import type { Result } from '../pipeline/apply.js'
import { ConflictError, HealthError, InputError } from '../domain/errors.js'
import { WRITES, effectOf } from '../domain/plan.js'
import { neutralise } from '../domain/untrusted.js'

export type Level = 'error' | 'warning'

export interface Annotation {
  level: Level
  file: string
  /** Undefined for the file as a whole (an integration it does not list). */
  line?: number
  title: string
  message: string
}

/** GitHub shows at most this many annotations of each kind per step and drops the rest without a word. */
export const ANNOTATIONS_PER_KIND = 10

const TITLE = 'Qonversion manifest'

/** Problems of the file (`file:line: message`) as annotations; a problem of the inputs has no line and is left out. */
export function fileAnnotations(problems: readonly string[], file: string): Annotation[] {
  const prefix = `${file}:`
  return problems.flatMap((problem) => {
    const match = problem.startsWith(prefix) ? /^(\d+): ([\s\S]*)$/.exec(problem.slice(prefix.length)) : null
    return match
      ? [
          {
            level: 'error' as const,
            file,
            line: Number(match[1]),
            title: `${TITLE}: invalid file`,
            message: match[2]
          }
        ]
      : []
  })
}

function titleOf(error: Error): string {
  if (error instanceof ConflictError) return 'conflict'
  if (error instanceof InputError) return 'provider or store refused'
  if (error instanceof HealthError) return 'below `require`'
  return 'failed'
}

/** An entry's failure (conflict, refused provider, failed write, `require`), and in `check` its drift. */
export function resultAnnotations(results: readonly Result[], file: string, mode: string): Annotation[] {
  const out: Annotation[] = []
  for (const r of results) {
    const at = r.decision.wanted?.at
    const who = r.decision.wanted
      ? ''
      : `Unmanaged “${neutralise(r.record?.title ?? r.decision.record?.title ?? '')}”: `
    if (r.error) {
      out.push({
        level: 'error',
        file,
        line: at?.line,
        title: `${TITLE}: ${titleOf(r.error)}`,
        message: `${who}${r.error.message}`
      })
    } else if (mode === 'check' && WRITES.includes(r.decision.action)) {
      const id = r.record ? ` ${r.record.id}` : ''
      out.push({
        level: 'error',
        file,
        line: at?.line,
        title: `${TITLE}: drift`,
        message: `${who}The project differs from this entry: \`apply\` would ${effectOf(r.decision)}${id}.`
      })
    }
  }
  return out
}

/**
 * Emits annotations in order until GitHub's limit for their kind (less what the step already used, such as a
 * warning logged earlier); returns how many of each kind were left out, for the summary to say.
 */
export function writeAnnotations(
  annotations: readonly Annotation[],
  used: Readonly<Record<Level, number>>
): Record<Level, number> {
  const left = { error: ANNOTATIONS_PER_KIND - used.error, warning: ANNOTATIONS_PER_KIND - used.warning }
  const dropped: Record<Level, number> = { error: 0, warning: 0 }
  for (const a of annotations) {
    if (left[a.level] <= 0) {
      dropped[a.level]++
      continue
    }
    left[a.level]--
    const properties = {
      title: a.title,
      file: a.file,
      ...(a.line === undefined ? {} : { startLine: a.line })
    }
    if (a.level === 'error') core.error(a.message, properties)
    else core.warning(a.message, properties)
  }
  return dropped
}

/** The summary's note on what GitHub could not show as annotations; empty when nothing was left out. */
export function droppedNote(dropped: Readonly<Record<Level, number>>): string {
  const parts = (['error', 'warning'] as const)
    .filter((level) => dropped[level] > 0)
    .map((level) => `${dropped[level]} ${level}${dropped[level] === 1 ? '' : 's'}`)
  return parts.length === 0
    ? ''
    : `${parts.join(' and ')} not shown as annotations (GitHub shows ${ANNOTATIONS_PER_KIND} of each kind per step): every problem is listed with its file:line in the failure below.`
}
