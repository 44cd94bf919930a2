// The Qonversion v4 integrations API: one function per endpoint, each returning validated data and the attempts it took.
import { NetworkError, UnexpectedResponseError } from '../domain/errors.js'
import { send, type HttpRequest, type RetryPolicy, type Transport } from '../net/retry.js'
import { USER_AGENT } from '../version.js'
import { apiErrorFrom } from './api-failure.js'
import { neutralise } from '../domain/untrusted.js'
import type { CatalogEntry, IntegrationRecord } from '../domain/record.js'
import { collectCatalogEntries, integrationListSchema, integrationResponseSchema } from './schemas.js'

export interface ApiConnection {
  /** Base URL without a trailing slash, e.g. `https://api.qonversion.io/v4`. */
  baseUrl: string
  secretKey: string
  policy: RetryPolicy
  transport: Transport
}

export interface CreateBody {
  title: string
  integration: string
  target_platform: string
}

export interface Answer<T> {
  value: T
  attempts: number
}

function request(
  api: ApiConnection,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  extra = {}
): HttpRequest {
  return {
    method,
    url: `${api.baseUrl}${path}`,
    headers: {
      Authorization: `Bearer ${api.secretKey}`,
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...extra
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  }
}

async function call<T>(
  api: ApiConnection,
  what: string,
  httpRequest: HttpRequest,
  /** The value read from the JSON body, or undefined when it is not what the endpoint returns. */
  read: (json: unknown) => T | undefined
): Promise<Answer<T>> {
  let exchange
  try {
    exchange = await send(httpRequest, api.policy, api.transport)
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error
    // The request's failure said again for this endpoint, with what to check; it stays the cause.
    throw new NetworkError(
      `${what} failed: ${error.message}\n` +
        (error.hint ??
          `Check that ${api.baseUrl} is reachable from the runner (behind a proxy, set HTTPS_PROXY and NO_PROXY).`) +
        (httpRequest.method === 'GET'
          ? ' Re-running is safe: this request only reads.'
          : ' Re-running is safe: every attempt, and a re-run of this workflow run, sends the same idempotency key.'),
      { hint: error.hint, attempts: error.attempts, cause: error }
    )
  }
  const { status, body } = exchange.response
  if (status < 200 || status >= 300) throw apiErrorFrom(exchange, what, httpRequest.method === 'GET')
  let json: unknown
  let parseError: unknown
  try {
    json = JSON.parse(body)
  } catch (error) {
    json = undefined
    parseError = error
  }
  const value = json === undefined ? undefined : read(json)
  if (value === undefined) {
    throw new UnexpectedResponseError(
      `${what}: the API answered HTTP ${status} but the body is not ${json === undefined ? 'valid JSON' : 'the expected record'} ` +
        `(“${neutralise(body.replace(/\s+/g, ' '), 120)}”). Check that \`api-url\` points at the Qonversion v4 API.`,
      { attempts: exchange.attempts, cause: parseError }
    )
  }
  return { value, attempts: exchange.attempts }
}

/** The create request exactly as it goes out: what createIntegration sends, and what a dry run prints. */
export function createRequest(api: ApiConnection, body: CreateBody, idempotencyKey: string): HttpRequest {
  return request(api, 'POST', '/integrations', body, { 'Idempotency-Key': idempotencyKey })
}

/** POST /integrations. The same key on every attempt makes retries safe. */
export function createIntegration(
  api: ApiConnection,
  body: CreateBody,
  idempotencyKey: string
): Promise<Answer<IntegrationRecord>> {
  return call(
    api,
    'Creating the integration',
    createRequest(api, body, idempotencyKey),
    (json) => integrationResponseSchema.safeParse(json).data
  )
}

/** POST /integrations/{id}/status — 0 pauses, 1 activates; naturally idempotent. */
export function setIntegrationStatus(
  api: ApiConnection,
  id: string,
  status: 0 | 1
): Promise<Answer<IntegrationRecord>> {
  return call(
    api,
    `Setting integration ${id} ${status === 1 ? 'active' : 'paused'}`,
    request(api, 'POST', `/integrations/${encodeURIComponent(id)}/status`, { status }),
    (json) => integrationResponseSchema.safeParse(json).data
  )
}

/** GET /integrations — every integration of the project, in one answer. */
export function listIntegrations(api: ApiConnection): Promise<Answer<IntegrationRecord[]>> {
  return call(
    api,
    'Listing integrations',
    request(api, 'GET', '/integrations'),
    (json) => integrationListSchema.safeParse(json).data
  )
}

/** GET /integrations/meta — the live provider catalog. */
export function getCatalog(api: ApiConnection): Promise<Answer<CatalogEntry[]>> {
  return call(api, 'Reading the provider catalog', request(api, 'GET', '/integrations/meta'), (json) => {
    const entries = collectCatalogEntries(json)
    return entries.length > 0 ? entries : undefined
  })
}
