// Interceptors the single action's flow tests share: one POST recorded as it was sent, and a catch-all that a run
// which must send nothing may not touch.
import nock from 'nock'
import { API, record } from './run-action.js'
import { list } from './records.js'

export interface Sent {
  path: string
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

/** Intercepts one POST to `path`, recording what was sent. */
export function post(sent: Sent[], path: string, status: number, reply: unknown, base = API) {
  return nock(base)
    .post(path)
    .reply(function (uri, body) {
      sent.push({ path: uri, body, headers: this.req.headers })
      return [status, reply as nock.Body]
    })
}

/** Every interceptor that would answer a request: none of them may be used when a run must send nothing. */
export function anyRequest(base = API) {
  return nock(base).get(/.*/).reply(200, list()).post(/.*/).reply(201, record())
}
