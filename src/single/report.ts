// Hands results to the runner: the redacting log, step outputs and the job summary. Server text arrives here
// exactly as sent: outputs carry it so (within GitHub's size limit), the summary neutralises it; the secret is
// scrubbed from every line.
import * as core from '@actions/core'
import { stateWord, type Result } from '../pipeline/apply.js'
import { healthOf } from '../domain/health.js'
import { fitOutput } from '../runner/output-limit.js'
import type { IntegrationRecord } from '../qonversion/schemas.js'
import { neutralise } from '../net/untrusted.js'
import { scrubUrlCredentials } from '../net/url-credentials.js'

export interface RedactingLog {
  info: (line: string) => void
  warning: (line: string) => void
  debug: (line: string) => void
  /** Masks a secret in the runner's log and scrubs it from every later line. */
  mask: (secret: string) => void
  redact: (text: string) => string
}

/**
 * The runner masks the key once told; text is scrubbed here too, so the key never reaches a log even where
 * masking does not apply (a local run, a log copied elsewhere). A password in any URL is scrubbed as well.
 */
export function redactingLog(): RedactingLog {
  const secrets: string[] = []
  const redact = (text: string): string =>
    scrubUrlCredentials(secrets.reduce((t, s) => t.split(s).join('***'), text))
  return {
    info: (line) => core.info(redact(line)),
    warning: (line) => core.warning(redact(line)),
    debug: (line) => core.debug(redact(line)),
    mask: (secret) => {
      core.setSecret(secret)
      secrets.push(secret)
    },
    redact
  }
}

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

/** Sets one output as given, or cut with a note (and a warning) when it is over GitHub's limit for one output. */
export function setOutput(name: string, value: string): void {
  const fitted = fitOutput(value)
  if (fitted.cut) core.warning(`Output \`${name}\` is over GitHub's limit of 1 MB per output, so it was cut.`)
  core.setOutput(name, fitted.value)
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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`

/** The failure, below a summary's table: as text in a code block, so nothing in it (server text too) renders. */
export function addFailure(summary: typeof core.summary, error: string): typeof core.summary {
  return summary.addCodeBlock(escapeHtml(error))
}

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
  const result = report.result
  const record = result?.record
  if (result && record) {
    rows.push(
      ['Integration id', code(record.id)],
      ['Status', `${record.active} (${stateWord(record.active)})`],
      ['Result', escapeHtml(result.done)],
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
  if (report.error !== undefined) addFailure(summary, report.error)
  await summary.write()
}
