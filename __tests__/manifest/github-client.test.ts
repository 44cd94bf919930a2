// The bounded GitHub client against a loopback stand-in: what it sends, what it retries, and that a silent GitHub
// ends within the budget.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHub, type GitHubStandIn, type Handler } from '../../__fixtures__/github-stand-in.js'
import { GitHubError, githubClient, type GitHubBudget } from '../../src/manifest/github-client.js'

let github: GitHubStandIn | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

/** A client of the stand-in whose waits are recorded and take no time (the budget still runs on the real clock). */
async function clientOf(handler: Handler, budget: Partial<GitHubBudget> = {}, realSleep = false) {
  github = await startGitHub(handler)
  const sleeps: number[] = []
  const lines: string[] = []
  const client = githubClient({
    token: 'ghs_secret',
    apiUrl: github.url,
    env: {},
    budget,
    clock: {
      sleep: (ms) => {
        sleeps.push(ms)
        return realSleep ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()
      },
      random: () => 0.5
    },
    log: { info: (line) => lines.push(line), debug: () => undefined }
  })
  return { client, sleeps, lines, github }
}

const failureOf = async (promise: Promise<unknown>): Promise<GitHubError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(GitHubError)
  return error as GitHubError
}

describe('githubClient', () => {
  it('sends the token as a Bearer, GitHub’s media type and API version, a User-Agent and the body as JSON', async () => {
    const { client, github } = await clientOf(() => ({ status: 201, body: { id: 5 } }))
    const answer = await client.request<{ id: number }>('POST', '/repos/a/b/issues/1/comments', {
      body: { body: 'hi' },
      write: true
    })
    expect(answer).toMatchObject({ status: 201, data: { id: 5 } })
    const [sent] = github.seen
    expect(sent).toMatchObject({ method: 'POST', path: '/repos/a/b/issues/1/comments', body: { body: 'hi' } })
    expect(sent.headers).toMatchObject({
      authorization: 'Bearer ghs_secret',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json'
    })
    expect(sent.headers['user-agent']).toMatch(/^qonversion-integration-action\//)
  })

  it('gives up on a GitHub that never answers after its attempts, each cut at the time limit', async () => {
    const { client, github, lines } = await clientOf(() => 'hang', {
      requestTimeoutMs: 100,
      maxAttempts: 3,
      totalMs: 5_000
    })
    const started = Date.now()
    const error = await failureOf(client.request('GET', '/user'))
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error.reason).toBe('no-answer')
    expect(error.message).toBe(
      'GitHub GET /user: GitHub was not reached after 3 attempts (no answer within 0.1 s)'
    )
    expect(github.lines()).toEqual(['GET /user', 'GET /user', 'GET /user'])
    expect(lines[0]).toBe(
      'GitHub GET /user: attempt 1 of 3 failed (no answer within 0.1 s); retrying in 0.5 s.'
    )
  })

  it('ends everything within the total budget, however many attempts are left, the last one cut short', async () => {
    const { client, github, sleeps } = await clientOf(
      () => 'hang',
      { requestTimeoutMs: 300, maxAttempts: 10, totalMs: 1_000 },
      true
    )
    const started = Date.now()
    const error = await failureOf(client.request('GET', '/user'))
    const took = Date.now() - started
    // 0.3 s attempt, 0.5 s backoff, then an attempt cut to the 0.2 s left.
    expect(took).toBeGreaterThanOrEqual(950)
    expect(took).toBeLessThan(1_400)
    expect(sleeps).toEqual([500])
    expect(github.seen).toHaveLength(2)
    expect(error.reason).toBe('out-of-time')
    expect(error.message).toBe(
      'GitHub GET /user: attempt 2 failed (no answer within 0.2 s) and the 1 s allowed for GitHub ran out'
    )
    // A later request of the same client has nothing left, and sends nothing.
    const after = await failureOf(client.request('GET', '/user'))
    expect(after.reason).toBe('out-of-time')
    expect(after.message).toBe('GitHub GET /user: the 1 s allowed for GitHub ran out')
    expect(github.seen).toHaveLength(2)
  })

  it('never sends a create twice when it got no answer: GitHub may have made it', async () => {
    const { client, github } = await clientOf(() => 'hang', { requestTimeoutMs: 100 })
    const error = await failureOf(
      client.request('POST', '/repos/a/b/issues/1/comments', { body: {}, write: true })
    )
    expect(error.reason).toBe('no-answer')
    expect(github.seen).toHaveLength(1)
  })

  it('retries a 5xx of a read with backoff, but not of a create', async () => {
    let calls = 0
    const { client, github, sleeps } = await clientOf(() =>
      ++calls === 1 ? { status: 502, body: { message: 'Bad gateway' } } : { status: 200, body: [] }
    )
    await expect(client.request('GET', '/repos/a/b/issues/1/comments')).resolves.toMatchObject({ data: [] })
    expect(github.seen).toHaveLength(2)
    expect(sleeps).toEqual([500])

    calls = 0
    const error = await failureOf(
      client.request('POST', '/repos/a/b/issues/1/comments', { body: {}, write: true })
    )
    expect(error).toMatchObject({ reason: 'http', status: 502, githubMessage: 'Bad gateway' })
    expect(github.seen).toHaveLength(3)
  })

  it('waits out a secondary rate limit’s Retry-After, a create too (GitHub did nothing), then succeeds', async () => {
    let calls = 0
    const { client, github, sleeps } = await clientOf(() =>
      ++calls === 1
        ? {
            status: 403,
            headers: { 'Retry-After': '2' },
            body: { message: 'You have exceeded a secondary rate limit.' }
          }
        : { status: 201, body: { id: 1 } }
    )
    await expect(
      client.request('POST', '/repos/a/b/issues/1/comments', { body: {}, write: true })
    ).resolves.toMatchObject({ status: 201 })
    expect(sleeps).toEqual([2000])
    expect(github.seen).toHaveLength(2)
  })

  it('reports a rate limit longer than its budget as a rate limit, without waiting', async () => {
    const { client, github, sleeps } = await clientOf(() => ({
      status: 403,
      headers: { 'Retry-After': '120' },
      body: { message: 'You have exceeded a secondary rate limit.' }
    }))
    const error = await failureOf(client.request('GET', '/user'))
    expect(error).toMatchObject({ reason: 'rate-limited', status: 403 })
    expect(error.message).toBe(
      "GitHub GET /user: GitHub's rate limit refused it (HTTP 403: You have exceeded a secondary rate limit.) " +
        'and asked to wait 120 s, longer than this action waits for GitHub (60 s in all)'
    )
    expect(sleeps).toEqual([])
    expect(github.seen).toHaveLength(1)
  })

  it('reads the primary limit from x-ratelimit-remaining: 0 and its reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 1800
    const { client } = await clientOf(() => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded' }
    }))
    await expect(failureOf(client.request('GET', '/user'))).resolves.toMatchObject({ reason: 'rate-limited' })
  })

  it('takes a plain 403 as GitHub’s final answer: no retry, the status and GitHub’s words kept', async () => {
    const { client, github } = await clientOf(() => ({
      status: 403,
      body: { message: 'Resource not accessible by integration\n::error::forged' }
    }))
    const error = await failureOf(client.request('GET', '/user'))
    expect(error).toMatchObject({ reason: 'http', status: 403 })
    expect(error.message).toBe(
      'GitHub GET /user: GitHub answered HTTP 403: Resource not accessible by integration\\n::error::forged'
    )
    expect(github.seen).toHaveLength(1)
  })

  it('follows Link: rel="next" on its own host only, so the token goes nowhere else', async () => {
    const { client, github } = await clientOf((request, standIn) =>
      request.path.includes('page=2')
        ? { status: 200, body: [2], headers: { Link: '<https://evil.example/steal?page=3>; rel="next"' } }
        : { status: 200, body: [1], headers: { Link: `<${standIn.url}/list?page=2>; rel="next"` } }
    )
    const pages: unknown[] = []
    for await (const page of client.pages('/list?per_page=50')) pages.push(page)
    expect(pages).toEqual([[1], [2]])
    expect(github.lines()).toEqual(['GET /list?per_page=50', 'GET /list?page=2'])
  })

  it('sends GraphQL queries to /graphql and throws on GraphQL errors', async () => {
    const { client, github } = await clientOf((request) =>
      (request.body as { query: string }).query.includes('viewer')
        ? {
            status: 200,
            body: {
              data: { viewer: null },
              errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }]
            }
          }
        : { status: 200, body: { data: { ok: true } } }
    )
    await expect(client.graphql('query { ok }')).resolves.toEqual({ ok: true })
    const error = await failureOf(client.graphql('query { viewer { login } }'))
    expect(error).toMatchObject({
      reason: 'http',
      status: 200,
      githubMessage: 'Resource not accessible by integration'
    })
    expect(github.seen.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/graphql', { query: 'query { ok }', variables: {} }],
      ['POST', '/graphql', { query: 'query { viewer { login } }', variables: {} }]
    ])
  })

  it('falls back to the real clock and the default budget for every field a caller leaves undefined', async () => {
    github = await startGitHub(() => ({ status: 200, body: { login: 'alice' } }))
    const client = githubClient({
      token: 't',
      apiUrl: github.url,
      env: {},
      budget: { totalMs: undefined },
      clock: { now: undefined, sleep: undefined, random: undefined }
    })
    await expect(client.request('GET', '/user')).resolves.toMatchObject({ data: { login: 'alice' } })
  })
})
