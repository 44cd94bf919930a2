// An API connection over a scripted transport, for unit tests of the client, the session and apply: every request
// is recorded as sent, each answered by the test's function, and waits take no time.
import type { HttpRequest, HttpResponse } from '../src/net/retry.js'
import type { ApiConnection } from '../src/qonversion/client.js'

export const API_URL = 'https://api.test/v4'
export const KEY = 'sk_unit_test_key'

export interface Sent {
  method: string
  /** The path under the API's base URL, `/integrations`. */
  path: string
  headers: Record<string, string>
  body: unknown
}

/** `[status, json body]`, or a raw response. */
export type Reply = [number, unknown] | HttpResponse

const response = (reply: Reply): HttpResponse =>
  Array.isArray(reply)
    ? { status: reply[0], headers: { get: () => null }, body: JSON.stringify(reply[1]) }
    : reply

/** A connection whose transport answers with `answer` (now or later) and records each request in `sent`. */
export function scriptedApi(answer: (sent: Sent) => Reply | Promise<Reply>, maxAttempts = 3) {
  const sent: Sent[] = []
  const sleeps: number[] = []
  const api: ApiConnection = {
    baseUrl: API_URL,
    secretKey: KEY,
    transport: (request: HttpRequest) => {
      const s = {
        method: request.method,
        path: request.url.slice(API_URL.length),
        headers: request.headers,
        body: request.body === undefined ? undefined : (JSON.parse(request.body) as unknown)
      }
      sent.push(s)
      return Promise.resolve(answer(s)).then(response)
    },
    policy: {
      maxAttempts,
      timeoutMs: 1000,
      sleep: (ms) => {
        sleeps.push(ms)
        return Promise.resolve()
      },
      random: () => 0.5,
      now: () => Date.parse('2026-11-27T12:00:00Z'),
      log: () => undefined,
      debug: () => undefined
    }
  }
  return { api, sent, sleeps }
}

/** A log that keeps its lines by kind. */
export function keptLog() {
  const lines = { info: [] as string[], warning: [] as string[], debug: [] as string[] }
  return {
    lines,
    info: (line: string) => void lines.info.push(line),
    warning: (line: string) => void lines.warning.push(line),
    debug: (line: string) => void lines.debug.push(line)
  }
}
