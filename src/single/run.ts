// The single-integration step from start to end — inputs, plan, apply, gate, report — and the one place that
// fails the step. It is the one-entry case of the pipeline the manifest action runs for many.
import * as core from '../runner/commands.js'
import { apply } from '../pipeline/apply.js'
import { RERUN_IS_SAFE, cancellation, cancelledLine } from '../net/cancel.js'
import { SNAPSHOT_CATALOG, catalogProblems } from '../domain/catalog.js'
import { type Cancelled, ConflictError, InputError } from '../domain/errors.js'
import { deliveryFacts, gate } from '../pipeline/gate.js'
import { adviceFor, healthOf } from '../domain/health.js'
import { keyFor, keyWarnings } from '../domain/idempotency.js'
import { INPUT_DEFAULTS, parseSettings, type Settings } from './inputs.js'
import { environmentOf, readInputs } from '../runner/inputs.js'
import { plan, type Decision, type PlanRules, type Wanted } from '../domain/plan.js'
import { writeOutputs, writeSummary, type StepReport } from './report.js'
import { redactingLog } from '../runner/log.js'
import { writeOutputsOrFail, writeSummaryOrWarn } from '../runner/files.js'
import { failStep, failureMessage } from '../runner/finish.js'
import { readContext } from '../runner/context.js'
import { ApiSession, apiConnection, type RunOptions } from '../pipeline/session.js'
import { ACTION_NAME } from '../version.js'
import { createRequest, type ApiConnection } from '../qonversion/client.js'

export type { RunOptions }

/** The create request as the client builds it, with the key redacted: what a dry run prints. */
function previewCreate(api: ApiConnection, settings: Settings, idempotencyKey: string): string {
  const request = createRequest(
    api,
    { title: settings.title, integration: settings.provider, target_platform: settings.store },
    idempotencyKey
  )
  const headers = Object.entries(request.headers).map(([name, value]) =>
    name === 'Authorization' ? `${name}: Bearer ***` : `${name}: ${value}`
  )
  const body = JSON.stringify(JSON.parse(request.body ?? '{}'), null, 2)
  return [`${request.method} ${request.url}`, ...headers, '', body].join('\n')
}

/** What a dry run found: the same reads and checks as the real run, and the decision it would carry out. */
async function dryRun(session: ApiSession, wanted: Wanted, policy: PlanRules): Promise<string> {
  // Always one authenticated read, so a refused key or an unreachable API fails here as it would for real.
  const records = await session.list()
  const catalog = await session.catalog()
  const problems = catalogProblems(catalog, wanted.provider, wanted.store)
  // Only the live catalog says what Qonversion would refuse. With the documented list alone, an undocumented slug
  // is sent by the real run (the input check has warned), so the dry run must not fail on it either.
  if (problems.length > 0 && catalog.live) {
    throw new InputError(problems.map((p) => `Dry run: Qonversion would refuse this request: ${p}`))
  }
  const [decision] = plan([wanted], policy.onMatch === 'create' ? [] : records, catalog, policy)
  return verdictOf(decision)
}

function verdictOf(decision: Decision): string {
  switch (decision.action) {
    case 'conflict':
    case 'invalid':
      throw new ConflictError(`Dry run: ${decision.reason}`)
    case 'create':
      return `would create a new integration${decision.wanted.active ? ' and set it active' : ''}`
    case 'activate':
      return `would reuse the existing integration ${decision.record.id} and set it active`
    case 'reuse':
    case 'pause':
    case 'nothing':
      return `would reuse the existing integration ${decision.record.id}`
  }
}

/** The failure of a cancelled run: what it had done (the record, or the request it was in) and that a re-run is safe. */
function cancelledFailure(cancelled: Cancelled, report: StepReport, error: unknown): string {
  const result = report.result
  const detail = result?.record
    ? `integration ${result.record.id} ${result.done}`
    : error === cancelled
      ? 'nothing was sent after it'
      : (error as Error).message
  return `${cancelled.message} — ${detail}. ${RERUN_IS_SAFE}`
}

export async function run(options: RunOptions = {}): Promise<void> {
  const log = redactingLog()
  const report: StepReport = { attempts: 0 }
  // The runner's environment, read once: everything below gets its part of it as an argument.
  const context = readContext()
  options = { proxyEnv: context.proxyEnv, ...options }
  try {
    const raw = readInputs((name) => core.getInput(name), INPUT_DEFAULTS)
    report.asked = { title: raw.title, provider: raw.provider, store: raw.store }
    if (raw['secret-key']) log.mask(raw['secret-key'])
    const { settings, warnings } = parseSettings(raw)
    warnings.forEach(log.warning)

    const { run } = context
    if (!settings.idempotencyKey) keyWarnings(run).forEach(log.warning)
    const key = settings.idempotencyKey ?? keyFor(run, environmentOf(settings.secretKey))(settings)
    report.key = key
    log.info(`Idempotency key: ${key}`)

    const session = new ApiSession(
      apiConnection(settings, options, log, { readOnly: settings.dryRun }),
      log,
      settings.dryRun ? 'strict' : 'lenient'
    )
    const wanted: Wanted = {
      title: settings.title,
      provider: settings.provider,
      store: settings.store,
      active: settings.activate ? true : undefined,
      source: "the step's inputs"
    }
    const policy: PlanRules = {
      onMatch: settings.ifExists,
      prune: 'false',
      rerun: context.rerun
    }
    try {
      if (settings.dryRun) {
        const verdict = await dryRun(session, wanted, policy)
        report.dryRun = verdict
        log.info(
          `Dry run: nothing was changed. The request that would be sent:\n${previewCreate(session.api, settings, key)}`
        )
        log.info(`Dry run: ${verdict}.`)
        writeOutputsOrFail(() => writeOutputs(undefined, key))
        return
      }
      // `if-exists: create` never looks at what exists: the happy path is exactly one request.
      const { records, catalog } =
        policy.onMatch === 'create'
          ? { records: [], catalog: SNAPSHOT_CATALOG }
          : await session.project([wanted])
      const decisions = plan([wanted], records, catalog, policy)
      const [applied] = await apply(decisions, session, { concurrency: 1, keyFor: () => key })
      report.result = applied
      if (applied.record) log.info(`Integration ${applied.record.id}: ${applied.done}.`)
      const [result] = await gate([applied], session, {
        requirement: settings.requirement,
        waitSeconds: settings.waitSeconds,
        sleep: session.api.policy.sleep,
        now: session.api.policy.now
      })
      report.result = result
      writeOutputsOrFail(() => writeOutputs(result, key))
      // `require: exists` lets a suspended record pass, but whoever reads the log should know Qonversion suspended
      // it: the record as it ends (a create or activation answered in the error state), or as it was found.
      const suspended = [result.record, result.decision.record].find((r) => r && healthOf(r) === 'error')
      if (suspended && result.record && !result.error) {
        const tense = suspended === result.record ? 'is' : 'was'
        log.warning(
          `Integration ${suspended.id} ${tense} in the error state. ${deliveryFacts(suspended)} ${adviceFor('error')}`
        )
      }
      if (result.error) throw result.error
      // A signal after the last request still ends the step as cancelled, as the runner will show it.
      const late = cancellation(options.signal)
      if (late) throw late
    } finally {
      report.attempts = session.attempts
    }
  } catch (error) {
    const cancelled = cancellation(options.signal)
    if (cancelled) report.cancelled = cancelledLine(cancelled)
    report.error = failureMessage(error, log, cancelled && (() => cancelledFailure(cancelled, report, error)))
    failStep(ACTION_NAME, report.error, log)
  } finally {
    writeSummaryOrWarn(() => writeSummary(report), log.warning)
  }
}
