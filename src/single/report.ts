// The single step's outputs and job summary. Server text arrives here exactly as sent: outputs carry it so (within
// GitHub's size limit), the summary neutralises it.
import * as core from '@actions/core'
import { stateWord, type Result } from '../pipeline/apply.js'
import { healthOf } from '../domain/health.js'
import { setOutput } from '../runner/outputs.js'
import { addFailure, escapeHtml } from '../runner/summary.js'
import type { IntegrationRecord } from '../domain/record.js'
import { neutralise } from '../domain/untrusted.js'

/** The outputs that describe one record: the single step's outputs, and a manifest entry's JSON. */
export function recordOutputs(record: IntegrationRecord): Record<string, string> {
  return {
    'integration-id': record.id,
    status: String(record.active),
    'status-label': stateWord(record.active),
    url: record.url ?? `/v4/integrations/${record.id}`,
    'provider-title': record.integration,
    'created-at': record.created_at ?? '',
    health: healthOf(record),
    'last-delivery-at': record.last_delivery_at ?? '',
    'delivery-error-count': String(record.delivery_error_count ?? 0),
    'last-error': record.last_error_message ?? '',
    integration: JSON.stringify(record)
  }
}

/** Sets `idempotency-key`, and every record output when a record exists — on failure too, for `if: failure()` steps. */
export function writeOutputs(result: Result | undefined, idempotencyKey: string): void {
  core.setOutput('idempotency-key', idempotencyKey)
  if (!result?.record) return
  for (const [name, value] of Object.entries(recordOutputs(result.record))) setOutput(name, value)
  core.setOutput('created', String(result.created))
}

export interface StepReport {
  asked?: { title: string; provider: string; store: string }
  key?: string
  /** A dry run's verdict. */
  dryRun?: string
  result?: Result
  attempts: number
  /** The failure message, already redacted. */
  error?: string
  /** The summary's line for a cancelled run (Markdown). */
  cancelled?: string
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`

/**
 * The job summary of every run, failed ones included: what was asked, what happened, the error. Values are the
 * user's own inputs and the record's fields, never the key. Outside a runner there is no summary file.
 */
export async function writeSummary(report: StepReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const rows: [string, string][] = []
  if (report.asked) {
    rows.push(
      ['Title', escapeHtml(report.asked.title)],
      ['Provider', code(report.asked.provider)],
      ['Store', escapeHtml(report.asked.store)]
    )
  }
  const record = report.result?.record
  if (record) {
    rows.push(
      ['Integration id', code(record.id)],
      ['Status', `${record.active} (${stateWord(record.active)})`],
      ['Result', escapeHtml(report.result!.done)],
      ['Health', healthOf(record)],
      ['Last delivery', escapeHtml(neutralise(record.last_delivery_at ?? 'never', 100))],
      ['Delivery errors', String(record.delivery_error_count ?? 0)],
      ['Last error', escapeHtml(neutralise(record.last_error_message ?? 'none', 1000))]
    )
  }
  if (report.dryRun) rows.push(['Dry run', escapeHtml(report.dryRun)])
  if (report.key) rows.push(['Idempotency key', code(report.key)])
  rows.push(['HTTP attempts', String(report.attempts)])
  const failed = report.error !== undefined
  const ending = report.cancelled ? ' — cancelled' : failed ? ' — failed' : ''
  const heading = `Qonversion integration${report.dryRun !== undefined ? ' (dry run)' : ''}${ending}`
  const summary = core.summary.addHeading(heading, 3)
  if (report.cancelled) summary.addRaw(report.cancelled, true).addEOL()
  summary.addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...rows
  ])
  if (failed) addFailure(summary, report.error!)
  await summary.write()
}
