// How one attempt goes out: straight to the API (net/node-http.ts), or through the proxy the environment names
// (net/proxy.ts, loaded only then); and the read-only guard plan, check and dry-run modes send through.
import { TransportFailure, type Transport } from './retry.js'
import { direct } from './node-http.js'

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']

/** Whether the runner names a proxy at all (NO_PROXY is weighed per request, by the proxy transport). */
function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => env[name])
}

/**
 * Node itself ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY, which self-hosted runners set. When one is set, the proxy
 * transport (its own module, loaded only then) decides per request whether to tunnel or go direct.
 */
export function transportFor(env: NodeJS.ProcessEnv): Transport {
  if (!proxyConfigured(env)) return direct
  const proxied = import('./proxy.js').then(({ proxyTransport }) => proxyTransport(env))
  return async (request, signal) => (await proxied)(request, signal)
}

/**
 * Plan, check and dry-run modes send through this: it lets GET pass and refuses anything else before it leaves,
 * so no code path above the client can write in a read-only mode, whatever it asks for.
 */
export function readOnly(transport: Transport): Transport {
  return (request, signal) => {
    if (request.method !== 'GET') {
      // Not retryable: asking again cannot make a write allowed.
      return Promise.reject(
        new TransportFailure(
          `read-only mode: refused to send ${request.method} ${new URL(request.url).pathname}`,
          false
        )
      )
    }
    return transport(request, signal)
  }
}
