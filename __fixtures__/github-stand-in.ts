// A loopback stand-in for GitHub's API: answers each request with the test's handler (or never, to play a GitHub
// that accepts the connection and goes silent) and keeps every request it saw, body included.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SeenRequest {
  method: string
  /** Path with the query, as sent. */
  path: string
  headers: IncomingHttpHeaders
  body: unknown
}

export interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/** An answer, or `'hang'`: read the request and never answer it. */
export type Handler = (request: SeenRequest, standIn: GitHubStandIn) => Answer | 'hang'

export interface GitHubStandIn {
  url: string
  seen: SeenRequest[]
  /** `METHOD /path?query` of every request, in order. */
  lines: () => string[]
  close: () => Promise<void>
}

export async function startGitHub(handler: Handler): Promise<GitHubStandIn> {
  const seen: SeenRequest[] = []
  const hanging: ServerResponse[] = []
  const server: Server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
    req.on('end', () => {
      let body: unknown
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        body = text
      }
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }
      seen.push(request)
      const answer = handler(request, standIn)
      if (answer === 'hang') {
        hanging.push(res)
        return
      }
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers })
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const standIn: GitHubStandIn = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    lines: () => seen.map((r) => `${r.method} ${r.path}`),
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
  return standIn
}
