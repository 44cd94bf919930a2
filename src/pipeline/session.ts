// One run's dealings with the API: every call counts its HTTP attempts for the summary, and the catalog is read
// at most once, however many places want it.
import { setTimeout as sleep } from 'node:timers/promises'
import { cancellableSleep } from '../net/cancel.js'
import { SNAPSHOT_CATALOG, type Catalog } from '../domain/catalog.js'
import { ExpectedFailure, UnexpectedResponseError } from '../domain/errors.js'
import type { SharedBackoff, Transport } from '../net/retry.js'
import { needsCatalog } from '../domain/match.js'
import type { Wanted } from '../domain/plan.js'
import {
  createIntegration,
  getCatalog,
  listIntegrations,
  setIntegrationStatus,
  type Answer,
  type ApiConnection,
  type CreateBody
} from '../qonversion/client.js'
import type { CatalogEntry, IntegrationRecord } from '../domain/record.js'
import { readOnly, transportFor } from '../net/transport.js'

/** Injected by tests so that retries and waits take no real time. */
export interface RunOptions {
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
  transport?: Transport
  /** The job's cancellation (SIGINT/SIGTERM): aborts the request in flight and every wait, and starts nothing new. */
  signal?: AbortSignal
  /** The proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) as the runner set them; none, a direct connection. */
  proxyEnv?: Readonly<Record<string, string | undefined>>
}

/** How to reach the API: the part of the config that both actions share. */
export interface Connection {
  apiUrl: string
  secretKey: string
  maxAttempts: number
  timeoutMs: number
}

/** How this run reaches the API (nothing is opened yet); `readOnly` puts the GET-only guard under the client. */
export function apiConnection(
  connection: Connection,
  options: RunOptions,
  log: Log,
  mode: { readOnly: boolean; backoff?: SharedBackoff }
): ApiConnection {
  const transport = options.transport ?? transportFor(options.proxyEnv ?? {})
  return {
    baseUrl: connection.apiUrl,
    secretKey: connection.secretKey,
    transport: mode.readOnly ? readOnly(transport) : transport,
    policy: {
      maxAttempts: connection.maxAttempts,
      timeoutMs: connection.timeoutMs,
      // The default timer is cancelled with the run, so no pending wait keeps a cancelled process alive.
      sleep: cancellableSleep(
        options.sleep ?? ((ms: number) => sleep(ms, undefined, { signal: options.signal })),
        options.signal
      ),
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      log: log.info,
      debug: log.debug,
      backoff: mode.backoff,
      signal: options.signal
    }
  }
}

export interface Log {
  info: (line: string) => void
  warning: (line: string) => void
  debug: (line: string) => void
}

/**
 * How a failed catalog read is taken: `lenient` (a real run) falls back to the documented snapshot on any failure,
 * since matching then fails closed where the snapshot cannot tell; `strict` (a dry run, which must fail where the
 * real run would) falls back only when the catalog's body cannot be read, and fails on a refused key or no answer.
 */
export type CatalogMode = 'lenient' | 'strict'

/** The API calls of one run on one connection: each counts its HTTP attempts, the catalog is read once. */
export class ApiSession {
  attempts = 0
  private catalogRead: Promise<Catalog> | undefined
  /** The catalog's request, started early beside the list's; settled, never rejected, until catalog() reads it. */
  private catalogAnswer: Promise<{ entries: CatalogEntry[] } | { error: Error }> | undefined

  constructor(
    readonly api: ApiConnection,
    readonly log: Log,
    private readonly catalogMode: CatalogMode = 'lenient'
  ) {}

  private async ask<T>(call: Promise<Answer<T>>): Promise<T> {
    try {
      const answer = await call
      this.attempts += answer.attempts
      return answer.value
    } catch (error) {
      // Failed calls spent attempts too: the summary counts every one.
      if (error instanceof ExpectedFailure) this.attempts += error.attempts
      throw error
    }
  }

  /** Every record of the project; with `notAfter` (epoch ms), no retry of the read starts after that time. */
  list(notAfter?: number): Promise<IntegrationRecord[]> {
    const api = notAfter === undefined ? this.api : { ...this.api, policy: { ...this.api.policy, notAfter } }
    return this.ask(listIntegrations(api))
  }

  create(body: CreateBody, idempotencyKey: string): Promise<IntegrationRecord> {
    return this.ask(createIntegration(this.api, body, idempotencyKey))
  }

  setStatus(id: string, status: 0 | 1): Promise<IntegrationRecord> {
    return this.ask(setIntegrationStatus(this.api, id, status))
  }

  /**
   * What the project holds for these wanted entries: the list, and the catalog when a provider needs telling apart —
   * or always with `everyProvider` (the manifest, whose plan checks every provider and store against it).
   */
  async project(
    wanted: Wanted[],
    everyProvider = false
  ): Promise<{ records: IntegrationRecord[]; catalog: Catalog }> {
    const listing = this.list()
    // Where every provider is checked anyway, the catalog is asked for beside the list (one round trip, not two);
    // what it answered is only looked at once the list was read, so a refused key fails once, without a warning.
    if (everyProvider) void this.askCatalog()
    const records = await listing
    const catalog = everyProvider || needsCatalog(records, wanted) ? await this.catalog() : SNAPSHOT_CATALOG
    this.log.debug(`${records.length} integration(s) listed.`)
    return { records, catalog }
  }

  /** A session on another connection (the writing one after a read-only plan) that reuses this one's catalog read. */
  over(api: ApiConnection): ApiSession {
    const next = new ApiSession(api, this.log, this.catalogMode)
    next.catalogRead = this.catalogRead
    next.catalogAnswer = this.catalogAnswer
    return next
  }

  private askCatalog(): Promise<{ entries: CatalogEntry[] } | { error: Error }> {
    this.catalogAnswer ??= this.ask(getCatalog(this.api)).then(
      (entries) => ({ entries }),
      (error: Error) => ({ error })
    )
    return this.catalogAnswer
  }

  catalog(): Promise<Catalog> {
    this.catalogRead ??= this.askCatalog().then((answer): Catalog => {
      if ('entries' in answer) return { entries: answer.entries, live: true }
      const { error } = answer
      if (this.catalogMode === 'strict' && !(error instanceof UnexpectedResponseError)) throw error
      this.log.warning(
        `Providers could not be checked: the provider catalog (GET /integrations/meta) could not be read, so ` +
          `providers are checked against the documented list only: ${error.message}`
      )
      return SNAPSHOT_CATALOG
    })
    return this.catalogRead
  }
}
