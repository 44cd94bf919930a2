// A Qonversion project behind nock that keeps what is created, so a second run lists it exactly as the first got it.
import nock from 'nock'
import { API } from './in-process.js'
import { list, record } from './records.js'

export interface Sent {
  method: string
  path: string
  body: unknown
  key?: string
}

/**
 * A project behind nock that stores what is created, so a second run lists it exactly as the first run got it.
 * `answer` replaces the reply to one request (a replay of another record, a status for another id).
 */
export function project(
  initial: Record<string, unknown>[] = [],
  answer: (sent: Sent) => [number, unknown] | undefined = () => undefined
) {
  const records = initial.map((r) => ({ ...r }))
  const sent: Sent[] = []
  let made = 0
  nock(API)
    .persist()
    .get('/integrations')
    .reply(function (uri) {
      sent.push({ method: 'GET', path: uri, body: undefined })
      return [200, list(...records)]
    })
    .post('/integrations')
    .reply(function (uri, body) {
      const s = { method: 'POST', path: uri, body, key: this.req.headers['idempotency-key'] }
      sent.push(s)
      const replaced = answer(s)
      if (replaced) return replaced
      const b = body as { title: string; integration: string; target_platform: string }
      const id = `new${++made}`
      const created = record({
        id,
        url: `/v4/integrations/${id}`,
        title: b.title,
        target_platform: b.target_platform
      })
      records.push(created)
      return [201, created]
    })
    .post(/^\/v4\/integrations\/[^/]+\/status$/)
    .reply(function (uri, body) {
      const s = { method: 'POST', path: uri, body }
      sent.push(s)
      const replaced = answer(s)
      if (replaced) return replaced
      const found = records.find((r) => uri === `/v4/integrations/${String(r.id)}/status`)!
      found.active = (body as { status: number }).status
      return [200, found]
    })
  return { records, sent, writes: () => sent.filter((s) => s.method !== 'GET') }
}
