// The action's work against the API: find or create the integration, activate it, or (dry run) only say what would happen.
import { SNAPSHOT_CATALOG, catalogProblems, displayTitleOf, type Catalog } from './catalog.js'
import { ApiError, ConflictError, InputError } from './errors.js'
import { findMatches, needsCatalog } from './existing.js'
import type { Settings } from './inputs.js'
import {
  createIntegration,
  getCatalog,
  listIntegrations,
  setIntegrationStatus,
  type ApiConnection,
  type CreateBody
} from './qonversion/client.js'
import type { IntegrationRecord } from './qonversion/schemas.js'
import { USER_AGENT } from './version.js'

export interface Log {
  info: (line: string) => void
  warning: (line: string) => void
  debug: (line: string) => void
}

export type Outcome =
  | { kind: 'integration'; record: IntegrationRecord; created: boolean; attempts: number }
  | { kind: 'dry-run'; preview: string; verdict: string; attempts: number }

export function createBodyOf(settings: Settings): CreateBody {
  return { title: settings.title, integration: settings.provider, target_platform: settings.store }
}

/** The create request as it would go out, with the key redacted: what a dry run prints. */
export function previewCreate(settings: Settings, idempotencyKey: string): string {
  return [
    `POST ${settings.apiUrl}/integrations`,
    'Authorization: Bearer ***',
    'Content-Type: application/json',
    `Idempotency-Key: ${idempotencyKey}`,
    `User-Agent: ${USER_AGENT}`,
    '',
    JSON.stringify(createBodyOf(settings), null, 2)
  ].join('\n')
}

/**
 * One step's dealings with the API: every call goes through `ask`, which counts its HTTP attempts for the
 * summary, and the catalog is read at most once, however many places want it.
 */
class Step {
  attempts = 0
  private catalogRead: Promise<Catalog> | undefined

  constructor(
    readonly api: ApiConnection,
    readonly settings: Settings,
    readonly log: Log
  ) {}

  async ask<T>(call: Promise<{ value: T; attempts: number }>): Promise<T> {
    const answer = await call
    this.attempts += answer.attempts
    return answer.value
  }

  /** The live catalog, or the documented snapshot when it cannot be read (suggestions must not fail the step). */
  catalog(): Promise<Catalog> {
    this.catalogRead ??= this.ask(getCatalog(this.api)).then(
      (entries): Catalog => ({ entries, live: true }),
      (error: Error) => {
        this.log.debug(`Could not read the provider catalog, using the documented list: ${error.message}`)
        return SNAPSHOT_CATALOG
      }
    )
    return this.catalogRead
  }
}

/** Existing records that match the request; the catalog is read only when a provider needs telling apart. */
async function findExisting(step: Step): Promise<IntegrationRecord[]> {
  const { settings } = step
  const records = await step.ask(listIntegrations(step.api))
  const wanted = { title: settings.title, store: settings.store, provider: settings.provider }
  // Without a catalog every candidate already names the provider by its slug, so the slug is the title to compare.
  const providerTitle = needsCatalog(records, wanted)
    ? displayTitleOf(await step.catalog(), settings.provider)
    : settings.provider
  const matches = findMatches(records, { ...wanted, providerTitle })
  step.log.debug(`${records.length} integration(s) listed, ${matches.length} match.`)
  return matches
}

function describeMatch(settings: Settings): string {
  return `titled “${settings.title}” for ${settings.provider} on ${settings.store}`
}

/** Applies `if-exists`: the record to reuse, or undefined to go on and create. */
function decideExisting(settings: Settings, matches: IntegrationRecord[]): IntegrationRecord | undefined {
  if (matches.length > 1) {
    throw new ConflictError(
      `Found ${matches.length} integrations ${describeMatch(settings)}: ${matches.map((m) => m.id).join(', ')}. ` +
        'With `if-exists: reuse` the match must be unique: delete or rename the extra ones, or give this step another title.'
    )
  }
  if (matches.length === 1 && settings.ifExists === 'fail') {
    throw new ConflictError(
      `An integration ${describeMatch(settings)} already exists: ${matches[0].id}. ` +
        '`if-exists: fail` stops here; use `if-exists: reuse` to return it instead.'
    )
  }
  return matches[0]
}

/** A create refused for the provider or store gets the catalog's reading of what is wrong appended. */
async function explainRefusal(error: ApiError, step: Step): Promise<ApiError> {
  const aboutProviderOrStore = error.details.some(
    (d) => d.field === 'integration' || d.field === 'target_platform'
  )
  if (!aboutProviderOrStore || error.status >= 500) return error
  const problems = catalogProblems(await step.catalog(), step.settings.provider, step.settings.store)
  if (problems.length === 0) return error
  return new ApiError(
    error.status,
    error.code,
    error.apiMessage,
    error.details,
    `${error.message}\n${problems.join('\n')}`
  )
}

function warnIfErrored(record: IntegrationRecord, log: Log): void {
  if (record.active !== 2) return
  log.warning(
    `Integration ${record.id} is in the error state` +
      (record.last_error_at ? ` since ${record.last_error_at}` : '') +
      `: ${record.last_error_message ?? 'no error message was given'}. ` +
      'Fix the provider credentials in the Qonversion dashboard, then set it active (`activate: true`).'
  )
}

async function dryRun(step: Step, idempotencyKey: string): Promise<Outcome> {
  const { settings } = step
  const catalog = await step.catalog()
  if (!catalog.live)
    step.log.warning(
      'Dry run: the provider catalog could not be read, so the provider was checked against the documented list only.'
    )
  const problems = catalogProblems(catalog, settings.provider, settings.store)
  if (problems.length > 0) {
    throw new InputError(problems.map((p) => `Dry run: Qonversion would refuse this request: ${p}`))
  }
  let verdict = 'would create a new integration'
  if (settings.ifExists !== 'create') {
    const existing = decideExisting(settings, await findExisting(step))
    if (existing) verdict = `would reuse the existing integration ${existing.id}`
  }
  if (settings.activate) verdict += ' and set it active'
  return {
    kind: 'dry-run',
    preview: previewCreate(settings, idempotencyKey),
    verdict,
    attempts: step.attempts
  }
}

export async function execute(
  api: ApiConnection,
  settings: Settings,
  idempotencyKey: string,
  log: Log
): Promise<Outcome> {
  const step = new Step(api, settings, log)
  if (settings.dryRun) return dryRun(step, idempotencyKey)

  let record = settings.ifExists === 'create' ? undefined : decideExisting(settings, await findExisting(step))
  const created = record === undefined
  if (record) {
    log.info(`Reusing the existing integration ${record.id} (if-exists: reuse).`)
    warnIfErrored(record, log)
  } else {
    try {
      record = await step.ask(createIntegration(api, createBodyOf(settings), idempotencyKey))
    } catch (error) {
      throw error instanceof ApiError ? await explainRefusal(error, step) : error
    }
    log.info(`Integration ${record.id} is ready (${record.integration}, ${record.target_platform}).`)
  }

  if (settings.activate && record.active !== 1) {
    record = await step.ask(setIntegrationStatus(api, record.id, 1))
    log.info(`Integration ${record.id} set active.`)
  }
  return { kind: 'integration', record, created, attempts: step.attempts }
}
