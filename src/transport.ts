// How one attempt goes out: node:http(s) directly, or undici through the proxy that the environment names.
// Default imports on purpose: they are the live module objects, so interceptors such as nock see every call.
import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'
import type { HttpResponse, Transport } from './http.js'

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, one)
  }
  return headers
}

/**
 * node:http rather than global fetch: fetch costs a cold start more than the whole rest of the action on
 * Node 20 (its WebAssembly HTTP parser is compiled at start and awaited at exit; see BENCHMARKS.md).
 * Redirects are not followed, so a POST is never silently turned into a GET.
 */
const direct: Transport = (request, signal) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const url = new URL(request.url)
    const send = url.protocol === 'https:' ? https.request : http.request
    const headers =
      request.body === undefined
        ? request.headers
        : { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) }
    const outgoing = send(url, { method: request.method, headers, signal }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('error', reject)
      incoming.on('close', () => {
        if (!incoming.complete) {
          reject(Object.assign(new Error('the connection was dropped mid-answer'), { code: 'ECONNRESET' }))
          return
        }
        resolve({
          status: incoming.statusCode ?? 0,
          headers: toHeaders(incoming.headers),
          body: Buffer.concat(chunks).toString('utf8')
        })
      })
    })
    outgoing.on('error', reject)
    outgoing.end(request.body)
  })

/**
 * Node itself ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY, which self-hosted runners set. When one is set, undici's
 * fetch with an agent that applies all three does the sending; it is loaded only then, to keep start-up short.
 */
function proxied(env: NodeJS.ProcessEnv): Transport {
  const pick = (name: string): string | undefined => env[name] || env[name.toLowerCase()] || undefined
  const undici = import('undici').then(({ EnvHttpProxyAgent, fetch }) => ({
    fetch,
    agent: new EnvHttpProxyAgent({
      httpProxy: pick('HTTP_PROXY'),
      httpsProxy: pick('HTTPS_PROXY'),
      noProxy: pick('NO_PROXY')
    })
  }))
  return async (request, signal) => {
    const { fetch, agent } = await undici
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'manual',
      dispatcher: agent
    })
    return { status: response.status, headers: response.headers, body: await response.text() }
  }
}

export function transportFor(env: NodeJS.ProcessEnv): Transport {
  return PROXY_VARIABLES.some((name) => env[name]) ? proxied(env) : direct
}
