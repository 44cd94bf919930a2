// Hands the result to the runner: step outputs and the job summary table.
import * as core from '@actions/core'
import type { Outcome } from './execute.js'
import type { Settings } from './inputs.js'

const STATUS_LABELS: Record<number, string> = { 0: 'paused', 1: 'active', 2: 'error' }

export function statusLabel(active: number): string {
  return STATUS_LABELS[active] ?? `unknown (${active})`
}

/** Sets every output of action.yml that the outcome can fill (a dry run fills only `idempotency-key`). */
export function writeOutputs(outcome: Outcome, idempotencyKey: string): void {
  core.setOutput('idempotency-key', idempotencyKey)
  if (outcome.kind !== 'integration') return
  const { record, created } = outcome
  core.setOutput('integration-id', record.id)
  core.setOutput('status', String(record.active))
  core.setOutput('status-label', statusLabel(record.active))
  core.setOutput('url', record.url ?? `/v4/integrations/${record.id}`)
  core.setOutput('provider-title', record.integration)
  core.setOutput('created-at', record.created_at ?? '')
  core.setOutput('created', String(created))
  core.setOutput('integration', JSON.stringify(record))
}

/**
 * A small table in the job summary; values are the user's own inputs and the record's fields, never the key.
 * Outside a runner there is no summary file, and then there is nothing to write.
 */
export async function writeSummary(
  outcome: Outcome,
  settings: Settings,
  idempotencyKey: string
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const code = (text: string): string => `<code>${escapeHtml(text)}</code>`
  const rows: [string, string][] = [
    ['Title', escapeHtml(settings.title)],
    ['Provider', code(settings.provider)],
    ['Store', escapeHtml(settings.store)]
  ]
  if (outcome.kind === 'integration') {
    const { record, created } = outcome
    rows.push(
      ['Integration id', code(record.id)],
      ['Status', `${record.active} (${statusLabel(record.active)})`],
      ['Result', created ? 'created' : 'reused existing']
    )
  } else {
    rows.push(['Dry run', escapeHtml(outcome.verdict)])
  }
  rows.push(['Idempotency key', code(idempotencyKey)], ['HTTP attempts', String(outcome.attempts)])
  await core.summary
    .addHeading(
      outcome.kind === 'integration' ? 'Qonversion integration' : 'Qonversion integration (dry run)',
      3
    )
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows
    ])
    .write()
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}
