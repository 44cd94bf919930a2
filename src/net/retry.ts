// One HTTP exchange with a per-attempt timeout, and retries that resend the very same request.
import { Cancelled, DeadlineReached, NetworkError } from '../domain/errors.js'
import { neutralise } from '../domain/untrusted.js'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH'
  url: string
  headers: Record<string, string>
  body?: string
}

/** Response headers, looked up by lower-case name (several values of one header joined with `, `). */
export interface ResponseHeaders {
  get(name: string): string | null
}

export interface HttpResponse {
  status: number
  headers: ResponseHeaders
  body: string
  /** Why the body was not read (an error answer over MAX_BODY_BYTES): the status alone is reported. */
  unread?: string
}

/** Sends one attempt; `signal` aborts it when the attempt's time is up. */
export type Transport = (request: HttpRequest, signal: AbortSignal) => Promise<HttpResponse>

/**
 * A failure of the way to the API (a proxy, a body over the cap) that the transport has already put into words.
 * `retryable: false` ends the request at once: a proxy that refuses the tunnel will refuse it again.
 */
export class TransportFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** What to check, when it is not the API host (a proxy named by its variable). */
    readonly hint?: string
  ) {
    super(message)
    this.name = 'TransportFailure'
  }
}

/** Far more than any record or list needs; a longer body is cut off and the connection dropped. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024

/** What an error answer over the cap is reported as, after its status: `HTTP 502 (body not read: over 4 MiB)`. */
export const OVER_CAP = `over ${MAX_BODY_BYTES / 1024 / 1024} MiB`

export function bodyTooLarge(): TransportFailure {
  return new TransportFailure(
    `the answer was larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, the most this action reads; the connection was dropped`,
    false,
    'Check that `api-url` points at the Qonversion v4 API: no answer of the integrations API comes near this size.'
  )
}

/**
 * Requests of several workers share one gate: when one of them is told to wait (429 with Retry-After), none of
 * them sends again before that time, so a rate limit slows every worker instead of being hit again by the others.
 */
export interface SharedBackoff {
  /** Epoch ms before which no request may start. */
  until: number
}

export interface RetryPolicy {
  maxAttempts: number
  timeoutMs: number
  sleep: (ms: number) => Promise<void>
  /** A number in [0, 1) for the backoff jitter. */
  random: () => number
  /** Wall clock in ms, to read Retry-After given as an HTTP date and to keep the shared gate. */
  now: () => number
  log: (line: string) => void
  /** Step-debug detail of every attempt (the Authorization header is never part of it). */
  debug: (line: string) => void
  backoff?: SharedBackoff
  /** Epoch ms after which no attempt may start (a wait's deadline): a retry that would start later is not made. */
  notAfter?: number
  /** The run's cancellation: once aborted no attempt starts, and the one in flight is ended. */
  signal?: AbortSignal
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

/**
 * Only statuses that can succeed later are retried: 408 (request timeout), 425 (too early), 429 (rate limit) and
 * the 5xx answers of an overloaded or restarting server (500, 502, 503, 504). 501 and 505 say the server cannot do
 * this at all, and every 4xx is the final answer to this very request.
 */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504])

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status)
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

/** A network error in words: `the connection was refused (ECONNREFUSED)`, or the error's own text. */
export function plainNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? (error as { code?: string }).code
  const text = cause?.message ?? (error instanceof Error ? error.message : String(error))
  const known: Record<string, string> = {
    ECONNRESET: 'the connection was dropped',
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the host name could not be resolved',
    EAI_AGAIN: 'the host name could not be resolved',
    ETIMEDOUT: 'the connection timed out'
  }
  const plain = code ? known[code] : undefined
  return plain ? `${plain} (${code})` : text
}

function describeNetworkFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs / 1000} s`
  return error instanceof TransportFailure ? error.message : plainNetworkError(error)
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

type Attempt = { response: HttpResponse } | { failure: string; retryable: boolean; hint?: string }

/** The run was cancelled: `sent` says whether this request had gone out (then whether it was carried out is unknown). */
function cancelledRequest(policy: RetryPolicy, label: string, sent: boolean, attempts: number): Cancelled {
  const reason = policy.signal?.reason instanceof Error ? policy.signal.reason.message : 'cancelled'
  const failure = new Cancelled(
    sent
      ? `${label}: ${reason} before a final answer came, so whether it was carried out is unknown`
      : `${label}: ${reason}; not sent`
  )
  failure.attempts = attempts
  return failure
}

/** One attempt within the policy's time limit: the answer, or why there was none. */
async function attemptOnce(
  request: HttpRequest,
  policy: RetryPolicy,
  transport: Transport,
  label: string
): Promise<Attempt> {
  const controller = new AbortController()
  const signal = policy.signal ? AbortSignal.any([controller.signal, policy.signal]) : controller.signal
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, policy.timeoutMs)
  const started = Date.now()
  let response: HttpResponse
  try {
    response = await transport(request, signal)
  } catch (error) {
    if (policy.signal?.aborted) throw new Cancelled(label)
    const failure = describeNetworkFailure(error, timedOut, policy.timeoutMs)
    policy.debug(`${label}: ${failure} after ${Date.now() - started} ms`)
    const known = error instanceof TransportFailure ? error : undefined
    return { failure, retryable: timedOut || (known?.retryable ?? true), hint: known?.hint }
  } finally {
    clearTimeout(timer)
  }
  const body = response.unread ? `not read (${response.unread})` : neutralise(response.body, 500)
  policy.debug(`${label}: HTTP ${response.status} in ${Date.now() - started} ms; body: ${body}`)
  return { response }
}

/** Throws DeadlineReached when an attempt `waitMs` from now would start after the policy's `notAfter`. */
function withinDeadline(
  policy: RetryPolicy,
  waitMs: number,
  label: string,
  why: string,
  attempts: number
): void {
  if (policy.notAfter === undefined || policy.now() + waitMs <= policy.notAfter) return
  const failure = new DeadlineReached(
    `${label}: ${why}; the next attempt (in ${seconds(waitMs)}) would come after the end of the wait, so none was made.`
  )
  failure.attempts = attempts
  throw failure
}

/** Waits until the shared gate opens (another worker was asked to hold back). */
async function passGate(policy: RetryPolicy, label: string, attempts: number): Promise<void> {
  for (;;) {
    const wait = (policy.backoff?.until ?? 0) - policy.now()
    if (wait <= 0) return
    withinDeadline(policy, wait, label, 'the API asked every request to wait (Retry-After)', attempts)
    await policy.sleep(wait)
  }
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
  let attempts = 0
  try {
    return await sendUntilFinal(request, policy, transport, label, (n) => (attempts = n))
  } catch (error) {
    // Cancelled in an attempt or in a wait between two (the sleep ends with the bare cancellation): said once here.
    if (error instanceof Cancelled) throw cancelledRequest(policy, label, attempts > 0, attempts)
    throw error
  }
}

async function sendUntilFinal(
  request: HttpRequest,
  policy: RetryPolicy,
  transport: Transport,
  label: string,
  started: (attempts: number) => void
): Promise<Exchange> {
  for (let attempt = 1; ; attempt++) {
    await passGate(policy, label, attempt - 1)
    if (policy.signal?.aborted) throw new Cancelled(label)
    started(attempt)
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
      if (retryAfter !== undefined && policy.backoff) {
        policy.backoff.until = Math.max(policy.backoff.until, policy.now() + retryAfter)
      }
      if (last) return { response, attempts: attempt }
      reason = `HTTP ${response.status}${retryAfter === undefined ? '' : ', the API asked to wait (Retry-After)'}`
      waitMs = retryAfter ?? backoffMs(attempt, policy.random)
    } else {
      if (last || !result.retryable) {
        const failure = new NetworkError(
          result.retryable
            ? `no answer after ${attempt} attempt${attempt === 1 ? '' : 's'} (${label}): ${result.failure}.`
            : `${label}: ${result.failure}.`,
          result.hint
        )
        failure.attempts = attempt
        throw failure
      }
      reason = result.failure
      waitMs = backoffMs(attempt, policy.random)
    }
    withinDeadline(policy, waitMs, label, `attempt ${attempt} failed: ${reason}`, attempt)
    policy.log(
      `${label}: attempt ${attempt} of ${policy.maxAttempts} failed: ${reason}; retrying in ${seconds(waitMs)}.`
    )
    await policy.sleep(waitMs)
  }
}
