// Turns a non-2xx answer into an ApiError whose message says what happened and what to do about it.
import { ApiError, type ApiErrorDetail } from '../domain/errors.js'
import { MAX_RETRY_AFTER_MS, type Exchange } from '../net/retry.js'
import { apiErrorBodySchema } from './schemas.js'
import { neutralise } from '../domain/untrusted.js'

const HINTS: Record<number, string> = {
  401:
    'Qonversion did not accept the key. Use the Secret Key from Project settings → API keys (`sk_…` for ' +
    'production, `test_sk_…` for sandbox), not the older public Project Key, and check that the secret holds ' +
    'the key of the right project and environment.',
  403:
    'The key is valid but may not do this. Check that the Secret Key belongs to this project and environment ' +
    '(a sandbox `test_sk_` key reaches only sandbox data).',
  404: 'Check `api-url` (it should end in `/v4`) and that the integration exists in this environment.',
  409: 'The request conflicts with the current state of the project.',
  429: 'Qonversion is rate-limiting this project; run the workflow again later or lower how often it runs.'
}

/** A short, safe picture of a body that is not the API's JSON error (a proxy's HTML page, say). */
function summariseBody(contentType: string | null, body: string): string {
  if (body.trim() === '') return 'an empty body'
  const raw = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim()
  const title = raw === undefined ? undefined : neutralise(raw, 120)
  if (title || /html/i.test(contentType ?? '')) {
    return `an HTML page${title ? ` titled “${title}”` : ''} instead of JSON — a proxy, firewall or load balancer between the runner and Qonversion probably answered`
  }
  return `a body that is not the API's JSON error: “${neutralise(body.replace(/\s+/g, ' ').trim(), 120)}”`
}

export function apiErrorFrom(exchange: Exchange, what: string, reads = false): ApiError {
  const { response, attempts } = exchange
  let parsedJson: unknown
  try {
    parsedJson = JSON.parse(response.body)
  } catch {
    parsedJson = undefined
  }
  const parsed = apiErrorBodySchema.safeParse(parsedJson)
  const error = parsed.success ? parsed.data.error : undefined
  const details: ApiErrorDetail[] = (error?.details ?? []).map((d) => ({
    field: d.field ?? '(unnamed field)',
    message: d.message ?? '(no message)'
  }))

  const parts = [`${what} failed: HTTP ${response.status}`]
  if (response.unread) {
    parts[0] += ` (body not read: ${response.unread})`
  } else if (error) {
    if (error.code) parts[0] += ` ${error.code}`
    if (error.message) parts[0] += ` — ${error.message}`
    for (const d of details) parts.push(`  - ${d.field}: ${d.message}`)
  } else {
    parts[0] += `, with ${summariseBody(response.headers.get('content-type'), response.body)}`
  }
  if (response.status >= 300 && response.status < 400) {
    const header = response.headers.get('location')
    const location = header === null ? null : neutralise(header, 300)
    parts.push(
      `The API redirected${location ? ` to ${location}` : ''}; set \`api-url\` to the final address.`
    )
  }
  if (attempts > 1) parts.push(`Gave up after ${attempts} attempts.`)
  if (exchange.refusedWaitMs !== undefined) {
    parts.push(
      `The API asked to wait ${Math.round(exchange.refusedWaitMs / 1000)} s before retrying, longer than this action waits (${MAX_RETRY_AFTER_MS / 1000} s); run the workflow again later.`
    )
  }
  const hint =
    HINTS[response.status] ??
    (response.status >= 500
      ? reads
        ? 'Qonversion had a server-side problem; re-running the workflow is safe — this request only reads.'
        : 'Qonversion had a server-side problem; re-running the workflow is safe — the same idempotency key is sent, so no duplicate is made.'
      : undefined)
  if (hint && !(response.status === 429 && exchange.refusedWaitMs !== undefined)) parts.push(hint)
  return new ApiError(
    parts.join('\n'),
    { status: response.status, code: error?.code, apiMessage: error?.message, details },
    { attempts }
  )
}
