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
  if (!run.runId || !/^\d+$/.test(run.runId)) return { key: `qia-local-${randomUUID()}`, random: true }
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
