// One HTTP exchange with a per-attempt timeout, and retries that resend the very same request.
import { NetworkError } from './errors.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
}

export interface HttpResponse {
  status: number
  headers: Headers
  body: string
}

/** Sends one attempt; `signal` aborts it when the attempt's time is up. */
export type Transport = (request: HttpRequest, signal: AbortSignal) => Promise<HttpResponse>

export interface RetryPolicy {
  maxAttempts: number
  timeoutMs: number
  sleep: (ms: number) => Promise<void>
  /** A number in [0, 1) for the backoff jitter. */
  random: () => number
  /** Wall clock in ms, to read Retry-After given as an HTTP date. */
  now: () => number
  log: (line: string) => void
  /** Step-debug detail of every attempt (the Authorization header is never part of it). */
  debug: (line: string) => void
}

export interface Exchange {
  response: HttpResponse
  attempts: number
  /** Set when a Retry-After asked for a longer wait than the action will make, so retrying stopped early. */
  refusedWaitMs?: number
}

export const BASE_BACKOFF_MS = 1000
export const MAX_BACKOFF_MS = 20_000
/** A Retry-After beyond this is not waited for: the step reports it instead of sitting idle. */
export const MAX_RETRY_AFTER_MS = 60_000

/** 408, 429 and 5xx may succeed later; every other status is the final answer. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/** Milliseconds from a Retry-After value (delay-seconds or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Full jitter: a random wait between 0 and the exponential ceiling for this attempt. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1))
  return Math.round(random() * ceiling)
}

function describeNetworkFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs / 1000} s`
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? (error as { code?: string }).code
  const text = cause?.message ?? (error instanceof Error ? error.message : String(error))
  const known: Record<string, string> = {
    ECONNRESET: 'the connection was dropped',
    UND_ERR_SOCKET: 'the connection was dropped',
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the host name could not be resolved',
    EAI_AGAIN: 'the host name could not be resolved',
    ETIMEDOUT: 'the connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'the connection timed out'
  }
  const plain = code ? known[code] : undefined
  return plain ? `${plain} (${code})` : text
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

type Attempt = { response: HttpResponse } | { failure: string }

/** One attempt within the policy's time limit: the answer, or why there was none. */
async function attemptOnce(
  request: HttpRequest,
  policy: RetryPolicy,
  transport: Transport,
  label: string
): Promise<Attempt> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, policy.timeoutMs)
  const started = Date.now()
  let response: HttpResponse
  try {
    response = await transport(request, controller.signal)
  } catch (error) {
    const failure = describeNetworkFailure(error, timedOut, policy.timeoutMs)
    policy.debug(`${label}: ${failure} after ${Date.now() - started} ms (${String(error)})`)
    return { failure }
  } finally {
    clearTimeout(timer)
  }
  policy.debug(
    `${label}: HTTP ${response.status} in ${Date.now() - started} ms; body: ${response.body.slice(0, 500)}`
  )
  return { response }
}

/**
 * Sends `request` until it gets a final answer or runs out of attempts. Every attempt sends the very same
 * request — for a create that means the same Idempotency-Key, so a retry can never make a second record.
 */
export async function send(
  request: HttpRequest,
  policy: RetryPolicy,
  transport: Transport
): Promise<Exchange> {
  const label = `${request.method} ${new URL(request.url).pathname}`
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(request, policy, transport, `${label} attempt ${attempt}`)
    const last = attempt >= policy.maxAttempts
    let reason: string
    let waitMs: number
    if ('response' in result) {
      const { response } = result
      if (!isRetryableStatus(response.status)) return { response, attempts: attempt }
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), policy.now())
      if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) {
        return { response, attempts: attempt, refusedWaitMs: retryAfter }
      }
      if (last) return { response, attempts: attempt }
      reason = `HTTP ${response.status}${retryAfter === undefined ? '' : ', the API asked to wait (Retry-After)'}`
      waitMs = retryAfter ?? backoffMs(attempt, policy.random)
    } else {
      if (last) {
        throw new NetworkError(
          `no answer after ${attempt} attempt${attempt === 1 ? '' : 's'} (${label}): ${result.failure}.`
        )
      }
      reason = result.failure
      waitMs = backoffMs(attempt, policy.random)
    }
    policy.log(
      `${label}: attempt ${attempt} of ${policy.maxAttempts} failed: ${reason}; retrying in ${seconds(waitMs)}.`
    )
    await policy.sleep(waitMs)
  }
}
