// Derives the Idempotency-Key from the workflow run and the request's content, so retries and re-runs never duplicate.
import { createHash, randomUUID } from 'node:crypto'

export interface RunIdentity {
  /** GITHUB_RUN_ID: the same for every re-run (attempt) of one workflow run; missing outside Actions. */
  runId: string | undefined
  repository: string
}

export interface RequestContent {
  provider: string
  store: string
  title: string
  environment: 'sandbox' | 'production'
}

/**
 * `qia-<run id>-<32 hex>`: the hash covers the repository, the run and every field of the request body, so a
 * re-run gets its first attempt's record back, while matrix legs (same run, other store) and a changed title
 * get records of their own. The sandbox and production data are separate, so the environment is hashed in too.
 * Outside a workflow run there is nothing stable to derive from, so the key is random.
 */
export function deriveIdempotencyKey(
  run: RunIdentity,
  request: RequestContent
): { key: string; random: boolean } {
  if (!inWorkflowRun(run)) return { key: `qia-local-${randomUUID()}`, random: true }
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        run.repository,
        run.runId,
        request.environment,
        request.provider,
        request.store,
        request.title
      ])
    )
    .digest('hex')
    .slice(0, 32)
  return { key: `qia-${run.runId}-${digest}`, random: false }
}

/** A numeric GITHUB_RUN_ID is what makes a key stable across retries and re-runs. */
function inWorkflowRun(run: RunIdentity): boolean {
  return run.runId !== undefined && /^\d+$/.test(run.runId)
}

/** The key of each wanted integration in this run and environment: the single step's, and every manifest entry's. */
export function keyFor(
  run: RunIdentity,
  environment: RequestContent['environment']
): (wanted: Omit<RequestContent, 'environment'>) => string {
  return ({ provider, store, title }) =>
    deriveIdempotencyKey(run, { provider, store, title, environment }).key
}

/** The run as the runner describes it in its environment (no Octokit needed to read two variables). */
export function runIdentity(env: NodeJS.ProcessEnv): RunIdentity {
  return { runId: env.GITHUB_RUN_ID, repository: env.GITHUB_REPOSITORY ?? '' }
}

/** Whether this is a re-run (GITHUB_RUN_ATTEMPT above 1): the one reading of the attempt, for both actions. */
export function isRerun(env: NodeJS.ProcessEnv): boolean {
  return Number(env.GITHUB_RUN_ATTEMPT ?? '1') > 1
}

/** Why a derived key protects less than usual, outside a workflow run or without its repository. */
export function keyWarnings(run: RunIdentity): string[] {
  if (!inWorkflowRun(run))
    return [
      'GITHUB_RUN_ID is not set, so the idempotency key is random and protects only this step’s own retries. ' +
        'Set `idempotency-key` to make repeated runs safe outside GitHub Actions.'
    ]
  if (!run.repository)
    return [
      'GITHUB_REPOSITORY is not set, so the idempotency key is derived from the run id and the request alone; runs of ' +
        'other repositories with the same run id could share it. Set `idempotency-key` to be sure.'
    ]
  return []
}
