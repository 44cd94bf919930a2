// The manifest action from start to end — inputs, file, plan, apply or check, gate, report — and the one place
// that fails its step. The same planner, executor and gate as the single step, for every entry of the file.
import { resolve } from 'node:path'
import * as core from '../runner/commands.js'
import { apply, preview, type Result } from '../pipeline/apply.js'
import { RERUN_IS_SAFE, cancellation, cancelledLine, untilCancelled } from '../net/cancel.js'
import { readManifest } from './file.js'
import {
  FROM_PULL_REQUEST,
  MANIFEST_INPUT_DEFAULTS,
  parseManifestInputs,
  type ManifestConfig
} from './inputs.js'
import { Cancelled, ExpectedFailure, InputError } from '../domain/errors.js'
import { gate } from '../pipeline/gate.js'
import { githubClient, type GitHubBudget, type GitHubClient } from './github-client.js'
import { changedRows, reviewedPlan, type ReviewedPlan } from './reviewed-plan.js'
import { reportDrift, type CheckState } from './drift-issue.js'
import { keyFor, keyWarnings } from '../domain/idempotency.js'
import { environmentOf, readInputs } from '../runner/inputs.js'
import {
  changesOf,
  labelSuffix,
  headingOf,
  planRows,
  planTable,
  type PlanRow,
  writeManifestOutputs,
  writeManifestSummary
} from './report.js'
import {
  droppedNote,
  fileAnnotations,
  resultAnnotations,
  writeAnnotations,
  type Annotation
} from './annotations.js'
import { WRITES, effectOf, plan, subjectOf, titleOf, type Decision, type Wanted } from '../domain/plan.js'
import { digestItems, planDigest } from '../domain/plan-digest.js'
import { failureComment, planComment, stampOf, upsertComment } from './pr-comment.js'
import { neutralise } from '../domain/untrusted.js'
import { redactingLog, type RedactingLog } from '../runner/log.js'
import { writeOutputsOrFail, writeSummaryOrWarn } from '../runner/files.js'
import { writeWorkspaceFile } from '../runner/workspace-file.js'
import { failStep, failureMessage } from '../runner/finish.js'
import { readContext, type GitHubRun, type PullRequest, type RunnerContext } from '../runner/context.js'
import { ApiSession, apiConnection, type RunOptions } from '../pipeline/session.js'
import { ACTION_NAME } from '../version.js'

const NAME = `${ACTION_NAME}/manifest`

/** Test-only shortening of GitHub's time limits; no workflow input sets them. */
export interface ManifestRunOptions extends RunOptions {
  githubBudget?: Partial<GitHubBudget>
}

/** Where this run's comment goes; undefined (said in the log) when it posts none. */
interface CommentTarget {
  token: string
  owner: string
  repo: string
  pullRequest: PullRequest
  label: string
  takeOverLegacy: boolean
}

function commentTargetOf(
  config: ManifestConfig,
  github: GitHubRun,
  log: RedactingLog
): CommentTarget | undefined {
  if (!config.commentOnPr) return undefined
  const { pullRequest, owner, repo } = github
  if (!config.githubToken || pullRequest === undefined || !owner || !repo) {
    log.info(
      'Not commenting: the plan goes to the job summary only (no `github-token`, or not a pull request).'
    )
    return undefined
  }
  return {
    token: config.githubToken,
    owner,
    repo,
    pullRequest,
    label: config.label,
    takeOverLegacy: config.labelIsDefault
  }
}

/**
 * One GitHub client for the whole run, made at its first use: every call to GitHub (the reviewed plan, the comment,
 * the drift issue) shares its one time budget, so all of them together cannot hold the step longer than it allows.
 */
function sharedGitHub(
  options: ManifestRunOptions,
  context: RunnerContext,
  log: RedactingLog
): (token: string) => GitHubClient {
  let client: GitHubClient | undefined
  return (token) =>
    (client ??= githubClient({
      token,
      apiUrl: context.github.apiUrl,
      graphqlUrl: context.github.graphqlUrl,
      env: context.proxyEnv,
      budget: options.githubBudget,
      clock: { sleep: options.sleep, now: options.now, random: options.random },
      log
    }))
}

/**
 * Posts or updates the comment within the GitHub client's budget. The plan itself is done and in the summary: a
 * comment GitHub refuses or never answers (a fork's read-only token, a rate limit, an outage) is a warning, not a
 * failed plan.
 */
async function comment(target: CommentTarget, body: string, client: GitHubClient, log: RedactingLog) {
  try {
    const posted = await upsertComment(client, { ...target, issueNumber: target.pullRequest.number }, body)
    log.info(`Plan ${posted.action} as a comment: ${posted.url}`)
  } catch (error) {
    log.warning(`Could not comment on the pull request: ${(error as Error).message}`)
  }
}

/**
 * Opens, updates or closes the drift issue within the shared GitHub budget. The check's own result stands whatever
 * GitHub answers: a refusal (no `issues: write`) or an outage is a warning.
 */
async function driftIssue(
  config: ManifestConfig,
  state: CheckState,
  github: (token: string) => GitHubClient,
  run: GitHubRun,
  options: ManifestRunOptions,
  log: RedactingLog
): Promise<void> {
  if (!run.owner || !run.repo) {
    log.warning('No drift issue: GITHUB_REPOSITORY is not set, so there is no repository to open it in.')
    return
  }
  try {
    const target = {
      token: config.githubToken,
      owner: run.owner,
      repo: run.repo,
      label: config.label,
      runUrl: run.runUrl
    }
    const outcome = await reportDrift(github(config.githubToken), target, state, (options.now ?? Date.now)())
    if (outcome.action !== 'none') log.info(`Drift issue ${outcome.action}: ${outcome.url}`)
  } catch (error) {
    log.warning(`Could not keep the drift issue: ${(error as Error).message}`)
  }
}

/** Every reason the step fails, one per entry. */
function failuresOf(results: Result[], config: ManifestConfig): string[] {
  const lines = results.flatMap((r) =>
    r.error
      ? [
          `${r.decision.wanted?.source ?? 'unmanaged'} “${neutralise(titleOf(r.decision))}”: ${r.error.message}`
        ]
      : []
  )
  if (config.mode === 'check') {
    const drifted = results.filter((r) => !r.error && WRITES.includes(r.decision.action))
    for (const r of drifted) {
      const who = r.decision.wanted
        ? `${r.decision.wanted.source} “${r.decision.wanted.title}”`
        : `unmanaged “${neutralise(titleOf(r.decision))}”`
      lines.push(
        `${who}: drift — \`apply\` would ${effectOf(r.decision)}${r.record ? ` ${r.record.id}` : ''}.`
      )
    }
  }
  return lines
}

/** Problems of an InputError, or the error itself thrown again when it is anything else. */
function problemsOf(error: unknown): string[] {
  if (error instanceof InputError) return error.problems
  throw error
}

/**
 * The inputs and the file they name, both checked before any request and every problem reported at once: a bad
 * input does not hide the file's problems.
 */
function readConfigAndFile(
  raw: Parameters<typeof parseManifestInputs>[0],
  workspace: string,
  onInputs: (config: ManifestConfig) => void
) {
  let inputs: ReturnType<typeof parseManifestInputs> | undefined
  let inputProblems: string[] = []
  try {
    inputs = parseManifestInputs(raw)
    onInputs(inputs.config)
  } catch (error) {
    inputProblems = problemsOf(error)
  }
  let entries: ReturnType<typeof readManifest>
  try {
    entries = readManifest(workspace, raw.file)
  } catch (error) {
    if (!inputs) {
      const all = [...inputProblems, ...problemsOf(error)]
      throw new InputError(all, 'problems need fixing (inputs, then the file)')
    }
    throw error
  }
  if (!inputs) throw new InputError(inputProblems)
  return { ...inputs, entries }
}

/**
 * The digest `apply` must find, or undefined when `expect-plan` is not set; for `pull-request`, the plan comment of
 * the pull request merged as this commit (with the rows it shows, for a refusal to list what changed).
 */
async function expectedPlan(
  config: ManifestConfig,
  github: (token: string) => GitHubClient,
  run: GitHubRun,
  log: RedactingLog
): Promise<{ digest: string; reviewed?: ReviewedPlan } | undefined> {
  if (config.expectPlan === '') return undefined
  if (config.expectPlan !== FROM_PULL_REQUEST) return { digest: config.expectPlan }
  const reviewed = await reviewedPlan(github(config.githubToken), run, {
    token: config.githubToken,
    label: config.label
  })
  log.info(
    `Reviewed plan: digest ${reviewed.digest} from the plan comment of pull request #${reviewed.pullRequest} (${reviewed.commentUrl}).`
  )
  return { digest: reviewed.digest, reviewed }
}

/** The refusal's list: the rows changed since review where the comment shows them, else the plan as it is now. */
function refusalRows(expected: { reviewed?: ReviewedPlan }, rows: PlanRow[], decisions: Decision[]): string {
  const reviewed = expected.reviewed?.rows
  if (reviewed) {
    const changed = changedRows(reviewed, rows)
    if (changed.length > 0) return `Changed since the review:\n${changed.map((l) => `  - ${l}`).join('\n')}`
  }
  return (
    'The plan as it stands now:\n' +
    digestItems(decisions)
      .map(
        ([title, store, provider, effect, id]) =>
          `  - “${title}” (${provider}, ${store})${id ? ` ${id}` : ''}: ${effect}`
      )
      .join('\n')
  )
}

/** The line a decision is logged with: what apply will do, to what, and where the file asks for it. */
function logLine(d: Decision): string {
  const { title, provider, store } = subjectOf(d)
  const what = `${effectOf(d)}${d.unchecked ? ' (provider not checked)' : ''}`
  return (
    `${what.padEnd(17)} “${neutralise(title)}” (${neutralise(provider, 200)}, ` +
    `${store})${d.record ? ` ${d.record.id}` : ''} — ${d.wanted?.source ?? 'unmanaged'}`
  )
}

/** Writes the plan as JSON for an artifact, inside the workspace. */
function writePlanFile(workspace: string, file: string, content: unknown): void {
  const path = resolve(workspace, file)
  try {
    writeWorkspaceFile(workspace, 'plan-file', file, `${JSON.stringify(content, null, 2)}\n`)
  } catch (error) {
    throw new ExpectedFailure(`Could not write \`plan-file\` ${path}: ${(error as Error).message}`, {
      cause: error
    })
  }
}

/** The failure of a cancelled run: what it changed, what it left, and that a re-run is safe. */
function cancelledFailure(cancelled: Cancelled, results: Result[] | undefined, changes: number): string {
  const left = results?.filter((r) => r.error instanceof Cancelled).length ?? 0
  const what = results
    ? `${changes} change(s) made, ${left} entr${left === 1 ? 'y' : 'ies'} not finished (the job summary lists each)`
    : 'before the plan was made; nothing was changed'
  return `${cancelled.message} — ${what}. ${RERUN_IS_SAFE}`
}

export async function runManifest(options: ManifestRunOptions = {}): Promise<void> {
  const base = redactingLog()
  // GitHub's limit of ten annotations per kind counts the warnings logged before the file's annotations too.
  const used = { error: 0, warning: 0 }
  const log: RedactingLog = {
    ...base,
    warning: (line) => {
      used.warning++
      base.warning(line)
    }
  }
  // The runner's environment, read once: everything below gets its part of it as an argument.
  const context = readContext()
  const { workspace } = context
  options = { proxyEnv: context.proxyEnv, ...options }
  let markdown: string | undefined
  let results: Result[] | undefined
  let changes = 0
  let file: string | undefined
  let annotations: Annotation[] = []
  let target: CommentTarget | undefined
  let label: string | undefined
  const github = sharedGitHub(options, context, log)
  const githubRun = context.github
  try {
    const raw = readInputs((name) => core.getInput(name), MANIFEST_INPUT_DEFAULTS)
    if (raw['secret-key']) log.mask(raw['secret-key'])
    // Masked before anything can fail: GitHub's error texts may echo the token.
    if (raw['github-token']) log.mask(raw['github-token'])
    file = raw.file
    const { config, warnings, entries } = readConfigAndFile(raw, workspace, (c) => {
      label = c.label
      target = commentTargetOf(c, githubRun, log)
    })
    warnings.forEach(log.warning)
    const wanted: Wanted[] = entries.map((e) => ({
      title: e.title,
      provider: e.provider,
      store: e.store,
      active: e.active,
      source: `${config.file}:${e.line}`,
      at: { file: config.file, line: e.line }
    }))
    const expected = await expectedPlan(config, github, githubRun, log)

    const { run } = context
    const entryKey = keyFor(run, environmentOf(config.secretKey))
    if (config.mode === 'apply') keyWarnings(run).forEach(log.warning)

    // The plan is made through a transport that refuses anything but GET, in every mode: `apply` gets a writing
    // connection only once it has a plan to carry out (and, with `expect-plan`, only if that plan is the reviewed one).
    const backoff = { until: 0 }
    const reader = new ApiSession(apiConnection(config, options, log, { readOnly: true, backoff }), log)
    const { records, catalog } = await reader.project(wanted, true)
    const decisions = plan(wanted, records, catalog, {
      onMatch: 'manage',
      prune: config.prune,
      rerun: context.rerun
    })
    const digest = planDigest(decisions)
    decisions.forEach((d) => log.info(logLine(d)))
    log.info(`Plan digest: ${digest}`)
    const refused = expected !== undefined && expected.digest !== digest

    const session =
      config.mode === 'apply' && !refused
        ? reader.over(apiConnection(config, options, log, { readOnly: false, backoff }))
        : reader
    results =
      session !== reader
        ? await apply(decisions, session, { concurrency: config.concurrency, keyFor: entryKey })
        : preview(decisions)
    for (const r of results.filter((r) => session !== reader && WRITES.includes(r.decision.action))) {
      log.info(
        `${neutralise(titleOf(r.decision))}: ${r.done}${r.error ? ` — ${r.error.message.split('\n')[0]}` : ''}`
      )
    }
    if (config.mode !== 'plan' && !refused) {
      results = await gate(results, session, {
        requirement: config.requirement,
        waitSeconds: config.mode === 'apply' ? config.waitSeconds : 0,
        sleep: session.api.policy.sleep,
        now: session.api.policy.now
      })
    }

    const shown = refused ? 'plan' : config.mode
    const rows = planRows(results, shown)
    changes = changesOf(results, shown)
    const drift = results.some((r) => WRITES.includes(r.decision.action))
    const failures = failuresOf(results, config)
    annotations = resultAnnotations(results, config.file, config.mode)
    const heading = refused
      ? `### Qonversion integrations — apply refused: the plan differs from the reviewed one${labelSuffix(config.label)}`
      : headingOf(config.mode, changes, failures.length > 0, config.label)
    const table = planTable(rows)
    const digestLine = `Plan digest: \`${digest}\``
    const attempts = reader.attempts + (session === reader ? 0 : session.attempts)
    markdown = `${heading}\n\n${table}\n\n${digestLine}\n\nHTTP attempts: ${attempts}.`
    writeOutputsOrFail(() => writeManifestOutputs(rows, changes, drift, digest))
    if (config.planFile) {
      writePlanFile(workspace, config.planFile, { digest, mode: config.mode, rows })
    }
    // The comment's requests are bounded, not aborted: a cancelled run stops waiting for them, its record written.
    if (target && !options.signal?.aborted) {
      const stamp = stampOf(target.pullRequest.commit, (options.now ?? Date.now)())
      const body = planComment({ label: config.label, heading, stamp, rows, digestLine })
      await untilCancelled(comment(target, body, github(target.token), log), options.signal)
    }
    if (config.driftIssue && !options.signal?.aborted) {
      const state =
        failures.length > 0
          ? { failing: true as const, rows, problems: failures }
          : { failing: false as const }
      await untilCancelled(driftIssue(config, state, github, githubRun, options, log), options.signal)
    }
    const cancelled = cancellation(options.signal)
    if (cancelled) throw cancelled
    if (refused) {
      const from = expected.reviewed
        ? ` (the plan comment of pull request #${expected.reviewed.pullRequest})`
        : ''
      throw new ExpectedFailure(
        `\`expect-plan\` is ${expected.digest}${from}, but the plan made now is ${digest}: the project or the file ` +
          `changed since the plan was reviewed, so nothing was written. ${refusalRows(expected, rows, decisions)}\n` +
          (expected.reviewed
            ? 'Run the plan on a pull request again (re-run its plan job, or open one), review it, and merge.'
            : 'Run the plan again, review it, and apply with its new `plan-digest`.')
      )
    }
    if (failures.length > 0) {
      throw new ExpectedFailure(
        `${failures.length} integration(s) need attention:\n${failures.map((f) => `  - ${f.replace(/\n/g, '\n    ')}`).join('\n')}`
      )
    }
  } catch (error) {
    if (error instanceof InputError && file !== undefined) annotations = fileAnnotations(error.problems, file)
    const cancelled = cancellation(options.signal)
    const message = failureMessage(
      error,
      log,
      cancelled && (() => cancelledFailure(cancelled, results, changes))
    )
    if (markdown === undefined && target && !cancelled) {
      // Failed before there was a plan to post: the comment says so rather than keep an earlier, green plan.
      const heading = `### Qonversion integrations — failed${labelSuffix(label)}`
      const stamp = stampOf(target.pullRequest.commit, (options.now ?? Date.now)(), 'run')
      await comment(
        target,
        failureComment({ label: target.label, heading, stamp, problems: message }),
        github(target.token),
        log
      )
    }
    markdown ??= `### Qonversion integrations — failed${labelSuffix(label)}`
    if (cancelled) markdown = markdown.replace(/\n|$/, `\n\n${cancelledLine(cancelled)}\n`)
    // The failure below is an error annotation too: one of the ten is kept for it, or GitHub would drop it.
    const note = droppedNote(writeAnnotations(annotations, { ...used, error: used.error + 1 }))
    const failed = note ? `${markdown}\n\n${note}` : markdown
    writeSummaryOrWarn(() => writeManifestSummary(failed, message), log.warning)
    failStep(NAME, message, log)
    return
  }
  const note = droppedNote(writeAnnotations(annotations, used))
  const done = note ? `${markdown}\n\n${note}` : markdown
  writeSummaryOrWarn(() => writeManifestSummary(done), log.warning)
}
