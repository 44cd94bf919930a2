// Sends through the proxy that HTTPS_PROXY / HTTP_PROXY name, through a CONNECT tunnel, and honours NO_PROXY.
// Loaded only when a proxy variable is set. Every failure names the proxy (never its credentials) and its variable.
import http from 'node:http'
import https from 'node:https'
import tls from 'node:tls'
import { isIP, type Socket } from 'node:net'
import { TransportFailure, plainNetworkError, type HttpResponse, type Transport } from './retry.js'
import { direct, isLoopback, outgoingHeaders, readAnswer } from './node-http.js'

interface Proxy {
  url: URL
  /** The variable it came from, as the user will find it in the workflow. */
  variable: string
  /** The proxy's address without user name or password. */
  shown: string
}

function variable(env: NodeJS.ProcessEnv, name: string): { name: string; value: string } | undefined {
  for (const n of [name, name.toLowerCase()]) {
    const value = env[n]?.trim()
    if (value) return { name: n, value }
  }
  return undefined
}

/** HTTPS_PROXY for https targets (falling back to HTTP_PROXY, as curl and undici do), HTTP_PROXY for http ones. */
export function proxyFor(env: NodeJS.ProcessEnv, target: URL): Proxy | undefined {
  const found =
    target.protocol === 'https:'
      ? (variable(env, 'HTTPS_PROXY') ?? variable(env, 'HTTP_PROXY'))
      : variable(env, 'HTTP_PROXY')
  if (!found) return undefined
  let url: URL
  try {
    url = new URL(found.value.includes('://') ? found.value : `http://${found.value}`)
  } catch {
    throw new TransportFailure(
      `${found.name} is not a proxy address (expected http://host:port)`,
      false,
      `Fix ${found.name} in the runner's environment.`
    )
  }
  return { url, variable: found.name, shown: `${url.protocol}//${url.host}` }
}

/** `user:password` for Proxy-Authorization, decoded when a request goes through the proxy; none without a user. */
function credentialsOf(proxy: Proxy): string | undefined {
  if (!proxy.url.username) return undefined
  try {
    return `${decodeURIComponent(proxy.url.username)}:${decodeURIComponent(proxy.url.password)}`
  } catch {
    throw new TransportFailure(
      `the user name or password of the proxy ${proxy.shown} in ${proxy.variable} is not valid percent-encoding`,
      false,
      `Fix ${proxy.variable}: encode special characters of the user name and password (\`%\` as %25, \`@\` as %40).`
    )
  }
}

/** NO_PROXY: `*`, or host names / domains (`example.com` and `.example.com` both cover subdomains), with optional port. */
export function bypassesProxy(env: NodeJS.ProcessEnv, target: URL): boolean {
  const list = variable(env, 'NO_PROXY')?.value
  if (!list) return false
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true
      // A bare IPv6 address (`::1`) has colons but no port; `[::1]:8787` and `host:8787` have one.
      const bareIpv6 = isIP(entry) === 6
      const [, name = '', entryPort] = bareIpv6
        ? [entry, entry.toLowerCase()]
        : (/^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(entry.toLowerCase()) ?? [])
      if (entryPort && entryPort !== port) return false
      const domain = name.replace(/^\*?\./, '')
      return host === domain || (isIP(host) === 0 && host.endsWith(`.${domain}`))
    })
}

const TUNNEL_REFUSALS: Record<number, string> = {
  407: 'the proxy wants credentials: put them in the variable as http://user:password@host:port',
  403: 'the proxy does not allow this host: ask for it to be allowed, or list it in NO_PROXY if it is reachable directly'
}

/** Opens a CONNECT tunnel to the target's host and port through the proxy. */
function openTunnel(proxy: Proxy, target: URL, signal: AbortSignal): Promise<Socket> {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const authority = `${target.hostname}:${port}`
  const headers: Record<string, string> = { Host: authority }
  const credentials = credentialsOf(proxy)
  if (credentials) headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`
  const via = `the proxy ${proxy.shown} (from ${proxy.variable})`
  const send = proxy.url.protocol === 'https:' ? https.request : http.request
  return new Promise((resolve, reject) => {
    const connect = send({
      protocol: proxy.url.protocol,
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.url.port || (proxy.url.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers,
      signal
    })
    connect.on('connect', (answer, socket) => {
      const status = answer.statusCode ?? 0
      if (status === 200) return resolve(socket)
      socket.destroy()
      const why = TUNNEL_REFUSALS[status]
      reject(
        new TransportFailure(
          `${via} refused the tunnel to ${authority}: HTTP ${status}${why ? ` — ${why}` : ''}`,
          status >= 500,
          `Check ${proxy.variable} and the proxy's rules for ${target.hostname}.`
        )
      )
    })
    connect.on('error', (error) =>
      reject(
        new TransportFailure(
          `could not reach ${via}: ${plainNetworkError(error)}`,
          true,
          `Check that the proxy ${proxy.shown} (from ${proxy.variable}) is running and reachable from the runner.`
        )
      )
    )
    connect.end()
  })
}

/** One request through the tunnel: TLS to the API inside it for https, plain HTTP for a loopback http target. */
async function throughProxy(
  proxy: Proxy,
  request: Parameters<Transport>[0],
  signal: AbortSignal
): Promise<HttpResponse> {
  const target = new URL(request.url)
  const socket = await openTunnel(proxy, target, signal)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  return new Promise<HttpResponse>((resolve, reject) => {
    const failed = (error: unknown): void =>
      reject(
        error instanceof TransportFailure
          ? error
          : new TransportFailure(
              `the tunnel through the proxy ${proxy.shown} (from ${proxy.variable}) closed before the answer came: ${plainNetworkError(error)}`,
              true,
              `Check the proxy ${proxy.shown} (from ${proxy.variable}); re-running is safe.`
            )
      )
    const outgoing = http.request(
      {
        protocol: 'http:',
        host,
        port: target.port || (target.protocol === 'https:' ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        method: request.method,
        headers: { Host: target.host, ...outgoingHeaders(request) },
        signal,
        createConnection: () =>
          target.protocol === 'https:'
            ? tls.connect({ socket, servername: isIP(host) === 0 ? host : undefined })
            : socket
      },
      (incoming) => void readAnswer(incoming).then(resolve, failed)
    )
    outgoing.on('error', failed)
    outgoing.end(request.body)
  })
}

/**
 * Plain http:// (allowed only to a loopback host) never goes to a proxy on another host: the Bearer key would
 * cross the network in clear text on the way to it. A loopback target goes direct then; a loopback proxy is fine.
 */
function clearTextLeaves(proxy: Proxy, target: URL): boolean {
  return target.protocol === 'http:' && !isLoopback(proxy.url.hostname)
}

export function proxyTransport(env: NodeJS.ProcessEnv): Transport {
  return (request, signal) => {
    const target = new URL(request.url)
    const proxy = bypassesProxy(env, target) ? undefined : proxyFor(env, target)
    return proxy && !clearTextLeaves(proxy, target)
      ? throughProxy(proxy, request, signal)
      : direct(request, signal)
  }
}
