// A loopback stand-in for the part of GitHub's API the manifest's review loop uses — one pull request merged as a
// given commit, its comments, the repository's issues — kept up to date by the writes it answers. For the demo and
// the tests; the token's identity is refused, as for GITHUB_TOKEN, so the action writes as github-actions[bot].
// @ts-check
import { createServer } from 'node:http'

/**
 * @typedef {{ number: number, id: number, title?: string, body: string, state: string, html_url: string,
 *   user: { login: string } }} Item
 * @typedef {{ method: string, path: string, body: any }} Seen
 */

/**
 * @param {{ owner: string, repo: string, pullRequest: number, mergedSha: string,
 *   refuse?: (request: Seen) => boolean }} setup `refuse` answers the writes it matches with a 403
 */
export async function startReviewGitHub(setup) {
  const repo = `/repos/${setup.owner}/${setup.repo}`
  const web = `https://github.com/${setup.owner}/${setup.repo}`
  /** @type {Item[]} */
  const comments = []
  /** @type {Item[]} */
  const issues = []
  /** @type {Seen[]} */
  const seen = []
  let next = 100
  /** @param {string} body @param {string} url @returns {Item} */
  const made = (body, url) => {
    next += 1
    return {
      number: next,
      id: next,
      body,
      state: 'open',
      html_url: `${url}${next}`,
      user: { login: 'github-actions[bot]' }
    }
  }
  const refused = { status: 403, body: { message: 'Resource not accessible by integration' } }

  /** @param {Seen} request @returns {{ status: number, body: unknown }} */
  function answer(request) {
    const { method, path, body } = request
    if (path === '/graphql') return refused
    if (method !== 'GET' && setup.refuse?.(request)) return refused
    if (path === `${repo}/commits/${setup.mergedSha}/pulls`)
      return {
        status: 200,
        body: [
          { number: setup.pullRequest, merged_at: '2026-12-06T08:00:00Z', merge_commit_sha: setup.mergedSha }
        ]
      }
    if (path.startsWith(`${repo}/issues/${setup.pullRequest}/comments`)) {
      if (method === 'GET') return { status: 200, body: comments }
      const comment = made(body.body, `${web}/pull/${setup.pullRequest}#issuecomment-`)
      comments.push(comment)
      return { status: 201, body: comment }
    }
    if (path.startsWith(`${repo}/issues/comments/`)) {
      const found = comments.find((c) => c.id === Number(path.split('/').pop()))
      if (!found) return { status: 404, body: { message: 'Not Found' } }
      found.body = body.body
      return { status: 200, body: found }
    }
    if (path.startsWith(`${repo}/issues?`))
      return { status: 200, body: issues.filter((i) => i.state === 'open') }
    if (path === `${repo}/issues`) {
      const issue = { ...made(body.body, `${web}/issues/`), title: body.title }
      issues.push(issue)
      return { status: 201, body: issue }
    }
    if (/\/issues\/\d+\/comments$/.test(path)) return { status: 201, body: { id: 1 } }
    const issue = issues.find((i) => i.number === Number(path.split('/').pop()))
    if (!issue) return { status: 404, body: { message: 'Not Found' } }
    Object.assign(issue, body)
    return { status: 200, body: issue }
  }

  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk.toString('utf8')))
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        body: text === '' ? undefined : JSON.parse(text)
      }
      seen.push(request)
      const { status, body } = answer(request)
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(body))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    comments,
    issues,
    seen,
    /** `METHOD /path` of every request, in order. */
    lines: () => seen.map((r) => `${r.method} ${r.path}`),
    /** @returns {Promise<void>} */
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}
