// The manifest's plan as data and as a table: one builder for the outputs, the job summary and the PR comment.
import * as core from '../runner/commands.js'
import type { Result } from '../pipeline/apply.js'
import { healthOf } from '../domain/health.js'
import { REFUSALS, WRITES, effectOf, subjectOf, type Action } from '../domain/plan.js'
import { neutralise } from '../domain/untrusted.js'
import { setOutput } from '../runner/outputs.js'
import { addFailure, escapeHtml } from '../runner/summary.js'

export interface PlanRow {
  title: string
  provider: string
  store: string
  action: Action
  /** Everything apply will do, in the table's words: `create + activate`, `pause (prune)`, `none` … */
  effect: string
  id: string
  health: string
  /** `file.yml:3` for a listed entry; `unmanaged` for a record the file does not list. */
  source: string
  /** apply only: what happened. */
  result?: string
  error?: string
  /** False when the provider catalog could not be read, so the provider and store were not checked. */
  checked?: false
}

export function planRows(results: Result[], mode: 'plan' | 'apply' | 'check'): PlanRow[] {
  return results.map(({ decision, record, done, error }) => {
    const current = record ?? decision.record
    return {
      // What the file asks for, or for an unmanaged record what the list showed (the plan's subject, as logged).
      ...subjectOf(decision),
      action: decision.action,
      effect: effectOf(decision),
      id: current?.id ?? '',
      health: current ? healthOf(current) : '',
      source: decision.wanted?.source ?? 'unmanaged',
      ...(mode === 'apply' ? { result: done } : {}),
      ...(error ? { error: error.message } : {}),
      ...(decision.unchecked ? { checked: false as const } : {})
    }
  })
}

/**
 * Changes planned (plan, check) or made (apply): a create, activation or pause that went through counts, even when
 * something after it failed (an activation after the create, the `require` gate).
 */
export function changesOf(results: Result[], mode: 'plan' | 'apply' | 'check'): number {
  return results.filter((r) => (mode === 'apply' ? r.wrote : WRITES.includes(r.decision.action))).length
}

/** Markdown cell text: server text neutralised, no pipe or line break can break the table, no HTML can render. */
const cell = (text: string): string =>
  escapeHtml(neutralise(text.replace(/\s+/g, ' '), 2000)).replace(/\|/g, '\\|')

export function planTable(rows: PlanRow[]): string {
  const withResult = rows.some((r) => r.result !== undefined)
  const header = [
    'Entry',
    'Provider',
    'Store',
    'Action',
    'Current id',
    'Health',
    ...(withResult ? ['Result'] : [])
  ]
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`]
  for (const r of rows) {
    const entry = `${cell(r.title)} <sub>${cell(r.source)}</sub>`
    const effect = REFUSALS.includes(r.action) ? `**${r.effect}**` : r.effect
    const action = r.checked === false ? `${effect} (provider not checked)` : effect
    const cells = [
      entry,
      `\`${cell(r.provider)}\``,
      cell(r.store),
      action,
      r.id ? `\`${r.id}\`` : '—',
      r.health || '—'
    ]
    if (withResult) cells.push(cell(r.error ? `${r.result}: ${r.error}` : (r.result ?? '')))
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** ` · <code>label</code>`: which manifest a heading is about; in a code span, so no label can render as markdown. */
export function labelSuffix(label: string | undefined): string {
  return label ? ` · <code>${escapeHtml(label)}</code>` : ''
}

export function headingOf(mode: string, changes: number, failed: boolean, label?: string): string {
  const what = mode === 'apply' ? `${changes} change(s) made` : `${changes} change(s) planned`
  return `### Qonversion integrations — ${mode}: ${what}${failed ? ' — failed' : ''}${labelSuffix(label)}`
}

export function writeManifestOutputs(rows: PlanRow[], changes: number, drift: boolean, digest: string): void {
  // planRows leaves `result` and `error` out where they do not apply, so each row is already the output's shape.
  setOutput('plan', JSON.stringify(rows))
  core.setOutput('plan-digest', digest)
  core.setOutput('changes', String(changes))
  core.setOutput('drift', String(drift))
  const ids: Record<string, string> = {}
  for (const r of rows)
    if (r.source !== 'unmanaged' && !REFUSALS.includes(r.action) && r.id)
      ids[`${r.title} (${r.store})`] = r.id
  setOutput('integrations', JSON.stringify(ids))
}

export function writeManifestSummary(markdown: string, error?: string): void {
  if (!core.runnerEnv().GITHUB_STEP_SUMMARY) return
  const summary = new core.Summary().addRaw(markdown, true)
  if (error) addFailure(summary, error)
  summary.write()
}
