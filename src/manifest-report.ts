// The manifest's plan as data and as a table: one builder for the outputs, the job summary and the PR comment.
import * as core from '@actions/core'
import type { Result } from './apply.js'
import { healthOf } from './health.js'
import { WRITES } from './plan.js'
import { neutralise } from './qonversion/untrusted.js'
import { addFailure, escapeHtml, setOutput } from './report.js'

export interface PlanRow {
  title: string
  provider: string
  store: string
  action: string
  id: string
  health: string
  /** `file.yml:3` for a listed entry; `unmanaged` for a record the file does not list. */
  source: string
  /** apply only: what happened. */
  result?: string
  error?: string
}

export function planRows(results: Result[], mode: 'plan' | 'apply' | 'check'): PlanRow[] {
  return results.map(({ decision, record, done, error }) => {
    const current = record ?? decision.record
    return {
      title: decision.wanted?.title ?? current?.title ?? '',
      provider: decision.wanted?.provider ?? current?.integration ?? '',
      store: decision.wanted?.store ?? current?.target_platform ?? '',
      action: decision.action,
      id: current?.id ?? '',
      health: current ? healthOf(current) : '',
      source: decision.wanted?.source ?? 'unmanaged',
      ...(mode === 'apply' ? { result: done } : {}),
      ...(error ? { error: error.message } : {})
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
    const action = r.action === 'conflict' ? '**conflict**' : r.action
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

export function headingOf(mode: string, changes: number, failed: boolean): string {
  const what = mode === 'apply' ? `${changes} change(s) made` : `${changes} change(s) planned`
  return `### Qonversion integrations — ${mode}: ${what}${failed ? ' — failed' : ''}`
}

export function writeManifestOutputs(rows: PlanRow[], changes: number, drift: boolean): void {
  // planRows leaves `result` and `error` out where they do not apply, so each row is already the output's shape.
  setOutput('plan', JSON.stringify(rows))
  core.setOutput('changes', String(changes))
  core.setOutput('drift', String(drift))
  const ids: Record<string, string> = {}
  for (const r of rows)
    if (r.source !== 'unmanaged' && r.action !== 'conflict' && r.id) ids[`${r.title} (${r.store})`] = r.id
  setOutput('integrations', JSON.stringify(ids))
}

export async function writeManifestSummary(markdown: string, error?: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const summary = core.summary.addRaw(markdown, true)
  if (error) addFailure(summary, error)
  await summary.write()
}
