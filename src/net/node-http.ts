// One attempt over node:http(s): the direct request, reading an answer under the size cap, and the rules both the
// direct and the proxy transport share. Default imports on purpose: they are the live module objects, so
// interceptors such as nock see every call.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import https from 'node:https'
import {
  MAX_BODY_BYTES,
  OVER_CAP,
  bodyTooLarge,
  type HttpResponse,
  type ResponseHeaders,
  type Transport
} from './retry.js'

/** Plain lookup over node's header object: no global `Headers`, which would load Node's bundled undici at start. */
export function headersOf(incoming: IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = incoming[name.toLowerCase()]
      if (value === undefined) return null
      return Array.isArray(value) ? value.join(', ') : value
    }
  }
}

/**
 * Reads an answer whole, up to MAX_BODY_BYTES: a longer (or endless) body is cut off and the connection dropped,
 * so a broken or hostile server can neither exhaust memory nor make a string longer than Node can hold. An error
 * status over the cap (a proxy's huge 502 page) is still an answer: its status is kept, its body marked unread,
 * so it is reported and retried by its status like any other.
 */
export function readAnswer(incoming: IncomingMessage): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const status = incoming.statusCode ?? 0
    const overCap = (): void =>
      status >= 200 && status < 300
        ? reject(bodyTooLarge())
        : resolve({ status, headers: headersOf(incoming.headers), body: '', unread: OVER_CAP })
    const declared = Number(incoming.headers['content-length'])
    if (declared > MAX_BODY_BYTES) {
      incoming.destroy()
      overCap()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        tooLarge = true
        incoming.destroy()
        return
      }
      chunks.push(chunk)
    })
    incoming.on('error', (error) => (tooLarge ? overCap() : reject(error)))
    incoming.on('close', () => {
      if (tooLarge) return overCap()
      if (!incoming.complete) {
        reject(Object.assign(new Error('the connection was dropped mid-answer'), { code: 'ECONNRESET' }))
        return
      }
      resolve({
        status,
        headers: headersOf(incoming.headers),
        body: Buffer.concat(chunks).toString('utf8')
      })
    })
  })
}

/** The outgoing headers, with the body's length when there is one. */
export function outgoingHeaders(request: {
  headers: Record<string, string>
  body?: string
}): Record<string, string> {
  return request.body === undefined
    ? request.headers
    : { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) }
}

/**
 * node:http rather than global fetch: fetch costs a cold start more than the whole rest of the action (see
 * BENCHMARKS.md). Redirects are not followed, so a POST is never silently turned into a GET.
 */
export const direct: Transport = (request, signal) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const url = new URL(request.url)
    const send = url.protocol === 'https:' ? https.request : http.request
    const outgoing = send(
      url,
      { method: request.method, headers: outgoingHeaders(request), signal },
      (incoming) => void readAnswer(incoming).then(resolve, reject)
    )
    outgoing.on('error', reject)
    outgoing.end(request.body)
  })

/** Hosts where plain http:// cannot cross a network: the Bearer key stays on this machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}
