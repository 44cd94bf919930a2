// The one way this action talks to GitHub's API: a time limit per attempt, a few retries, and one total budget
// for everything the client sends, so a GitHub that accepts the connection and never answers cannot hold the step.
import {
  MAX_RETRY_AFTER_MS,
  TransportFailure,
  backoffMs,
  parseRetryAfter,
  plainNetworkError,
  type HttpResponse,
  type ResponseHeaders,
  type Transport
} from '../net/retry.js'
import { ExpectedFailure } from '../domain/errors.js'
import { neutralise } from '../domain/untrusted.js'
import { transportFor } from '../net/transport.js'
import { USER_AGENT } from '../version.js'

/** How long GitHub may take. Code sets it (tests shorten it); no workflow input does. */
export interface GitHubBudget {
  /** Everything the client sends, waits and retries included, is over this long after the client was made. */
  totalMs: number
  /** One attempt's time limit (cut shorter when less of the total is left). */
  requestTimeoutMs: number
  /** Attempts per request, the first included. */
  maxAttempts: number
}

/** GitHub answers in well under a second; 60 s in all is the most a comment may add to a step (issue 15.8). */
export const GITHUB_BUDGET: GitHubBudget = { totalMs: 60_000, requestTimeoutMs: 10_000, maxAttempts: 3 }

export interface GitHubClock {
  now: () => number
  sleep: (ms: number) => Promise<void>
  random: () => number
}

/**
 * Why a request to GitHub failed, for the caller to word what it was doing and what to check:
 * `http` GitHub answered with an error status (`status`, `githubMessage`); `rate-limited` a rate limit asked for a
 * longer wait than the budget has left; `no-answer` the network failed or attempts timed out; `out-of-time` the
 * total budget ran out between attempts.
 */
export class GitHubError extends ExpectedFailure {
  constructor(
    message: string,
    readonly reason: 'http' | 'rate-limited' | 'no-answer' | 'out-of-time',
    readonly status?: number,
    readonly githubMessage?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'GitHubError'
  }
}

export interface GitHubResponse<T> {
  status: number
  data: T
  headers: ResponseHeaders
}

export type GitHubMethod = 'GET' | 'POST' | 'PATCH'

export interface GitHubClient {
  /**
   * One REST request; `path` is relative to the API root (`/repos/o/r/issues/1/comments?per_page=50`). A non-2xx
   * answer throws a GitHubError. `write: true` marks a request that must not be sent twice (a POST that creates):
   * it is retried only when GitHub says it did nothing (a rate limit), never after a timeout or a 5xx.
   */
  request<T>(
    method: GitHubMethod,
    path: string,
    options?: { body?: unknown; write?: boolean }
  ): Promise<GitHubResponse<T>>
  /** Every page of a list, following `Link: rel="next"` (on the API's own host only: the token goes nowhere else). */
  pages<T>(path: string): AsyncGenerator<T[]>
  /** A GraphQL query (a read, so retried like a GET); GraphQL errors throw a GitHubError with the HTTP status. */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>
}

export interface GitHubClientOptions {
  token: string
  /** The REST root; GITHUB_API_URL on the runner (GitHub Enterprise Server: `https://host/api/v3`). */
  apiUrl?: string
  /** The GraphQL endpoint; GITHUB_GRAPHQL_URL on the runner. */
  graphqlUrl?: string
  env?: NodeJS.ProcessEnv
  transport?: Transport
  budget?: Partial<GitHubBudget>
  clock?: Partial<GitHubClock>
  /** Each retry, in the log; step-debug detail of each attempt. */
  log?: { info: (line: string) => void; debug: (line: string) => void }
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

/** GitHub's own error text from a JSON body `{ "message": … }`, neutralised; the body's start otherwise. */
function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; errors?: { message?: unknown }[] }
    const text = parsed.errors?.[0]?.message ?? parsed.message
    if (typeof text === 'string') return neutralise(text, 300)
  } catch {
    // Not JSON (a proxy's HTML page): its start says enough.
  }
  return neutralise(body, 200)
}

/**
 * How long GitHub asks to wait before asking again, when the answer is a rate limit; undefined when it is not one.
 * GitHub signals a secondary rate limit with 403 or 429 and Retry-After; the primary limit with
 * `x-ratelimit-remaining: 0` and the reset time in epoch seconds; a secondary limit without either header means
 * "wait at least a minute" (GitHub's REST rate-limit guide). A plain 403 is a permission, not a limit.
 */
export function rateLimitWaitMs(response: HttpResponse, now: number): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now)
  if (retryAfter !== undefined) return retryAfter
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'))
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now)
  }
  if (response.status === 429 || /rate limit/i.test(response.body)) return 60_000
  return undefined
}

/**
 * Server errors that a later attempt can get past. Only for requests that may be sent twice: a 502 to a POST
 * that creates may come after GitHub created it.
 */
const RETRY_STATUSES = new Set([408, 500, 502, 503, 504])

export function githubClient(options: GitHubClientOptions): GitHubClient {
  const env = options.env ?? process.env
  // Field by field: a caller passing its own optional clock hands over `undefined` for what it leaves out.
  const budget: GitHubBudget = {
    totalMs: options.budget?.totalMs ?? GITHUB_BUDGET.totalMs,
    requestTimeoutMs: options.budget?.requestTimeoutMs ?? GITHUB_BUDGET.requestTimeoutMs,
    maxAttempts: options.budget?.maxAttempts ?? GITHUB_BUDGET.maxAttempts
  }
  const clock: GitHubClock = {
    now: options.clock?.now ?? Date.now,
    sleep: options.clock?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.clock?.random ?? Math.random
  }
  const log = options.log ?? { info: () => undefined, debug: () => undefined }
  const transport = options.transport ?? transportFor(env)
  const apiUrl = (options.apiUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '')
  // GitHub Enterprise Server serves REST under /api/v3 and GraphQL at /api/graphql; github.com at /graphql.
  const graphqlUrl =
    options.graphqlUrl ??
    env.GITHUB_GRAPHQL_URL ??
    (apiUrl.endsWith('/api/v3') ? `${apiUrl.slice(0, -3)}graphql` : `${apiUrl}/graphql`)
  const deadline = clock.now() + budget.totalMs
  const totalText = seconds(budget.totalMs)

  async function send(
    method: GitHubMethod,
    url: string,
    body: unknown,
    write: boolean
  ): Promise<HttpResponse> {
    const label = `GitHub ${method} ${new URL(url).pathname}`
    const request = {
      method,
      url,
      headers: {
        Authorization: `Bearer ${options.token}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': USER_AGENT,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    }
    for (let attempt = 1; ; attempt++) {
      const left = deadline - clock.now()
      if (left <= 0) {
        throw new GitHubError(`${label}: the ${totalText} allowed for GitHub ran out`, 'out-of-time')
      }
      const timeoutMs = Math.min(budget.requestTimeoutMs, left)
      const controller = new AbortController()
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, timeoutMs)
      let response: HttpResponse | undefined
      let failure = ''
      try {
        response = await transport(request, controller.signal)
      } catch (error) {
        failure = timedOut
          ? `no answer within ${seconds(timeoutMs)}`
          : error instanceof TransportFailure
            ? error.message
            : plainNetworkError(error)
        // A create that got no answer may have been done: never sent twice. A proxy's refusal would repeat.
        const repeats = error instanceof TransportFailure && !error.retryable && !timedOut
        const final = write || repeats || attempt >= budget.maxAttempts
        if (final) {
          const tries = attempt === 1 ? '' : ` after ${attempt} attempts`
          throw new GitHubError(
            `${label}: GitHub was not reached${tries} (${failure})`,
            'no-answer',
            undefined,
            undefined,
            {
              cause: error
            }
          )
        }
      } finally {
        clearTimeout(timer)
      }

      let waitMs: number
      let reason: string
      if (response) {
        log.debug(`${label} attempt ${attempt}: HTTP ${response.status}`)
        if (response.status >= 200 && response.status < 300) return response
        const message = messageOf(response.body)
        const limitWait = rateLimitWaitMs(response, clock.now())
        if (limitWait !== undefined) {
          const fits = limitWait <= MAX_RETRY_AFTER_MS && clock.now() + limitWait < deadline
          if (!fits || attempt >= budget.maxAttempts) {
            throw new GitHubError(
              `${label}: GitHub's rate limit refused it (HTTP ${response.status}: ${message}) and asked to wait ` +
                `${seconds(limitWait)}, longer than this action waits for GitHub (${totalText} in all)`,
              'rate-limited',
              response.status,
              message
            )
          }
          waitMs = limitWait
          reason = `HTTP ${response.status}, a rate limit (wait ${seconds(limitWait)})`
        } else if (!write && RETRY_STATUSES.has(response.status) && attempt < budget.maxAttempts) {
          waitMs = backoffMs(attempt, clock.random)
          reason = `HTTP ${response.status}`
        } else {
          throw new GitHubError(
            `${label}: GitHub answered HTTP ${response.status}: ${message}`,
            'http',
            response.status,
            message
          )
        }
      } else {
        waitMs = backoffMs(attempt, clock.random)
        reason = failure
      }
      if (clock.now() + waitMs >= deadline) {
        throw new GitHubError(
          `${label}: attempt ${attempt} failed (${reason}) and the ${totalText} allowed for GitHub ran out`,
          'out-of-time'
        )
      }
      log.info(
        `${label}: attempt ${attempt} of ${budget.maxAttempts} failed (${reason}); retrying in ${seconds(waitMs)}.`
      )
      await clock.sleep(waitMs)
    }
  }

  function parse<T>(label: string, response: HttpResponse): GitHubResponse<T> {
    try {
      return { status: response.status, headers: response.headers, data: JSON.parse(response.body) as T }
    } catch (error) {
      throw new GitHubError(
        `${label}: GitHub's answer (HTTP ${response.status}) is not JSON: ${neutralise(response.body, 200)}`,
        'http',
        response.status,
        undefined,
        { cause: error }
      )
    }
  }

  const client: GitHubClient = {
    async request<T>(method: GitHubMethod, path: string, opts: { body?: unknown; write?: boolean } = {}) {
      const response = await send(method, `${apiUrl}${path}`, opts.body, opts.write ?? false)
      return parse<T>(`GitHub ${method} ${path}`, response)
    },
    async *pages<T>(path: string) {
      const origin = new URL(apiUrl).origin
      let url: string | undefined = `${apiUrl}${path}`
      while (url) {
        const response = await send('GET', url, undefined, false)
        const page = parse<T[]>(`GitHub GET ${new URL(url).pathname}`, response)
        yield page.data
        const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1]
        url = next && new URL(next).origin === origin ? next : undefined
      }
    },
    async graphql<T>(query: string, variables: Record<string, unknown> = {}) {
      const response = await send('POST', graphqlUrl, { query, variables }, false)
      const { data } = parse<{ data?: T; errors?: { message?: string }[] }>('GitHub GraphQL', response)
      if (data.errors?.length || data.data === undefined || data.data === null) {
        const message = messageOf(response.body)
        throw new GitHubError(`GitHub GraphQL: ${message}`, 'http', response.status, message)
      }
      return data.data
    }
  }
  return client
}
