// The plan comment: one per pull request, updated in place, never over GitHub's 65,536-character limit.
import { describe, expect, it, jest } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { useNock } from '../__fixtures__/use-nock.js'
import { COMMENT_MARKER, MAX_COMMENT, fitComment, upsertComment } from '../src/pr-comment.js'
import { ExpectedFailure } from '../src/errors.js'

useNock()

const GITHUB = 'https://api.github.com'
const COMMENTS = '/repos/acme/app/issues/7/comments'
const target = { token: 'ghs_test', owner: 'acme', repo: 'app', issueNumber: 7 }
const header = '| entry | provider | store | action | id | health |\n|---|---|---|---|---|---|'
const row = (i: number): string => `| Integration ${i} | amplitude | iOS | create | — | — |`
const tableOf = (rows: number): string =>
  [header, ...Array.from({ length: rows }, (_, i) => row(i))].join('\n')
/** A comment as GitHub lists it; by default written by GITHUB_TOKEN's identity, github-actions[bot]. */
const comment = (id: number, body: string, user = { login: 'github-actions[bot]', type: 'Bot' }) => ({
  id,
  body,
  user,
  html_url: `https://github.com/acme/app/pull/7#issuecomment-${id}`
})
const MALLORY = { login: 'mallory', type: 'User' }

describe('fitComment', () => {
  it('leaves a body under the limit as it is, marker first', () => {
    const body = fitComment({ heading: '### Qonversion plan', table: tableOf(3), footer: '_dry run_' })
    expect(body).toBe(`${COMMENT_MARKER}\n### Qonversion plan\n\n${tableOf(3)}\n\n_dry run_`)
    expect(fitComment({ heading: 'H', table: 'T' })).toBe(`${COMMENT_MARKER}\nH\n\nT`)
  })

  it('leaves a body of exactly the limit unchanged, and folds one a character longer', () => {
    const fixed = `${COMMENT_MARKER}\nH\n\n`.length
    const table = 'x'.repeat(MAX_COMMENT - fixed)
    expect(fitComment({ heading: 'H', table })).toHaveLength(MAX_COMMENT)
    expect(fitComment({ heading: 'H', table })).not.toContain('<details>')
    expect(fitComment({ heading: 'H', table: `${table}x` })).toContain('<details>')
  })

  it('folds and cuts a table of 5,000 rows, saying how many rows were left out', () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(5000), footer: 'Run 42' })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body.startsWith(`${COMMENT_MARKER}\n### Plan\n\n<details><summary>Plan: `)).toBe(true)
    expect(body).toContain(`\n\n${header}\n${row(0)}\n`)
    const shown = body.split('\n').filter((line) => line.startsWith('| Integration ')).length
    expect(shown).toBeGreaterThan(500)
    expect(body).toContain(`<summary>Plan: ${shown} of 5000 rows</summary>`)
    expect(body).toContain(`${row(shown - 1)}\n\n</details>`)
    expect(body).toContain(
      `**${5000 - shown} of 5000 rows are not shown**: this comment would be longer than GitHub's limit of 65,536 characters. ` +
        'The full plan is in the job summary of the run that posted it.'
    )
    expect(body.endsWith('\n\nRun 42')).toBe(true)
    // As many rows as fit: the next one (a line break and the row; a digit more or less in the counts) would not.
    expect(MAX_COMMENT - body.length).toBeLessThan(row(shown).length + 2)
  })

  it('counts UTF-16 units, so rows of emoji stay under the limit too', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `| 🚀 ${i} | ${'🚀'.repeat(20)} |`)
    const body = fitComment({ heading: 'H', table: [header, ...rows].join('\n') })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
  })

  it('cuts the heading and footer too when they alone are too long, never through an emoji', () => {
    const body = fitComment({ heading: '🚀'.repeat(50_000), table: tableOf(10), footer: 'f'.repeat(100_000) })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body.startsWith(COMMENT_MARKER)).toBe(true)
    expect(body).toContain('**10 of 10 rows are not shown**')
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(body.endsWith('f…')).toBe(true)
  })

  it('cuts a heading that alone is too long', () => {
    const body = fitComment({ heading: 'h'.repeat(70_000), table: tableOf(1), footer: 'Run 42' })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).toMatch(/^<!-- qonversion-integration-action:manifest -->\nh+…\n\n<details>.*\n\nRun 42$/s)
  })

  it('cuts a table that is one long line, and a heading without a footer', () => {
    const body = fitComment({ heading: 'H'.repeat(70_000), table: 'x'.repeat(100_000) })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).toContain('**1 of 1 rows are not shown**')
  })
})

describe('upsertComment', () => {
  it('creates the comment when the pull request has none of ours', async () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(2) })
    const github = nock(GITHUB)
      .get(COMMENTS)
      .query({ per_page: '100' })
      .reply(200, [
        comment(1, 'LGTM'),
        comment(2, 'qonversion-integration-action:manifest without the marker')
      ])
      .post(
        COMMENTS,
        (sent: { body: string }) => sent.body.includes(COMMENT_MARKER) && sent.body.includes(row(1))
      )
      .reply(201, comment(99, body))
    await expect(upsertComment({ ...target, body })).resolves.toEqual({
      id: 99,
      url: 'https://github.com/acme/app/pull/7#issuecomment-99',
      action: 'created'
    })
    expect(github.isDone()).toBe(true)
  })

  it('updates our comment in place when it is on the second page, and posts nothing', async () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(5) })
    const others = Array.from({ length: 100 }, (_, i) => comment(i + 1, `comment ${i}`))
    const github = nock(GITHUB)
      .get(COMMENTS)
      .query({ per_page: '100' })
      .reply(200, others, {
        Link: `<${GITHUB}/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next", <${GITHUB}/repositories/1/issues/7/comments?per_page=100&page=2>; rel="last"`
      })
      .get('/repositories/1/issues/7/comments')
      .query({ per_page: '100', page: '2' })
      .reply(200, [
        comment(101, 'hi'),
        comment(555, `${COMMENT_MARKER}\nold plan`),
        comment(556, COMMENT_MARKER)
      ])
      .patch('/repos/acme/app/issues/comments/555', { body })
      .reply(200, comment(555, body))
    await expect(upsertComment({ ...target, body })).resolves.toEqual({
      id: 555,
      url: 'https://github.com/acme/app/pull/7#issuecomment-555',
      action: 'updated'
    })
    expect(github.isDone()).toBe(true)
  })

  it('talks to the API at `apiUrl` (GitHub Enterprise Server)', async () => {
    const github = nock('https://ghe.example.com')
      .get('/api/v3/repos/acme/app/issues/7/comments')
      .query(true)
      .reply(200, [])
      .post('/api/v3/repos/acme/app/issues/7/comments')
      .reply(201, comment(5, COMMENT_MARKER))
    const result = await upsertComment({
      ...target,
      body: COMMENT_MARKER,
      apiUrl: 'https://ghe.example.com/api/v3'
    })
    expect(result.action).toBe('created')
    expect(github.isDone()).toBe(true)
  })

  it('explains a 403: the permission to grant, and that forks get a read-only token', async () => {
    nock(GITHUB).get(COMMENTS).query(true).reply(200, []).post(COMMENTS).reply(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com'
    })
    const failure = upsertComment({ ...target, body: COMMENT_MARKER })
    await expect(failure).rejects.toBeInstanceOf(ExpectedFailure)
    await expect(failure).rejects.toThrow(
      'Could not post the plan comment on pull request #7 of acme/app: GitHub answered HTTP 403: ' +
        'Resource not accessible by integration'
    )
    await expect(failure).rejects.toThrow(
      'give the job `permissions: pull-requests: write`. Pull requests from forks get a read-only GITHUB_TOKEN'
    )
  })

  it('says which request failed, without the 403 advice for other statuses', async () => {
    nock(GITHUB).get(COMMENTS).query(true).reply(404, { message: 'Not Found' })
    const failure = upsertComment({ ...target, body: COMMENT_MARKER })
    await expect(failure).rejects.toThrow(
      /^Could not list the comments on pull request #7 of acme\/app: GitHub answered HTTP 404: Not Found/
    )
    await expect(failure).rejects.not.toThrow(/permissions/)
  })

  it('names the comment it could not update when GitHub fails for another reason', async () => {
    nock(GITHUB)
      .get(COMMENTS)
      .query(true)
      .reply(200, [comment(8, COMMENT_MARKER)])
      .patch('/repos/acme/app/issues/comments/8')
      .reply(500, { message: 'Server Error' })
    await expect(upsertComment({ ...target, body: COMMENT_MARKER })).rejects.toThrow(
      /^Could not update comment 8 on pull request #7 of acme\/app: GitHub answered HTTP 500/
    )
  })

  it('never touches a comment someone else wrote with the marker pasted in: it updates its own (a bot’s)', async () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(2) })
    const github = nock(GITHUB)
      .get(COMMENTS)
      .query(true)
      .reply(200, [
        comment(3, `${COMMENT_MARKER} pasted`, MALLORY),
        comment(4, `${COMMENT_MARKER}\nold plan`)
      ])
      .patch('/repos/acme/app/issues/comments/4', { body })
      .reply(200, comment(4, body))
    await expect(upsertComment({ ...target, body })).resolves.toMatchObject({ id: 4, action: 'updated' })
    expect(github.isDone()).toBe(true)
  })

  it('posts its own comment when only someone else’s carries the marker', async () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(2) })
    const github = nock(GITHUB)
      .get(COMMENTS)
      .query(true)
      .reply(200, [comment(3, COMMENT_MARKER, MALLORY)])
      .post(COMMENTS, { body })
      .reply(201, comment(9, body))
    await expect(upsertComment({ ...target, body })).resolves.toMatchObject({ id: 9, action: 'created' })
    expect(github.isDone()).toBe(true)
  })

  it('with a personal token, asks who it is once and updates only that user’s comment', async () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(2) })
    const alice = { login: 'alice', type: 'User' }
    const github = nock(GITHUB)
      .get('/user')
      .reply(200, { login: 'alice' })
      .get(COMMENTS)
      .query(true)
      .reply(200, [
        comment(3, COMMENT_MARKER),
        comment(4, COMMENT_MARKER, MALLORY),
        comment(5, COMMENT_MARKER, alice)
      ])
      .patch('/repos/acme/app/issues/comments/5', { body })
      .reply(200, comment(5, body, alice))
    await expect(upsertComment({ ...target, token: 'github_pat_x', body })).resolves.toMatchObject({
      id: 5,
      action: 'updated'
    })
    expect(github.isDone()).toBe(true)
  })

  it('posts anew when its comment was deleted between the list and the update', async () => {
    const body = fitComment({ heading: '### Plan', table: tableOf(2) })
    const github = nock(GITHUB)
      .get(COMMENTS)
      .query(true)
      .reply(200, [comment(4, COMMENT_MARKER)])
      .patch('/repos/acme/app/issues/comments/4')
      .reply(404, { message: 'Not Found' })
      .post(COMMENTS, { body })
      .reply(201, comment(9, body))
    await expect(upsertComment({ ...target, body })).resolves.toMatchObject({ id: 9, action: 'created' })
    expect(github.isDone()).toBe(true)
  })

  it('says when GitHub could not be reached', async () => {
    nock(GITHUB).get(COMMENTS).query(true).replyWithError('socket hang up')
    await expect(upsertComment({ ...target, body: COMMENT_MARKER })).rejects.toThrow(
      /^Could not list the comments on pull request #7 of acme\/app: GitHub was not reached \(.*\)\.$/
    )
  })
})

describe('behind a proxy', () => {
  it('sends through the proxy that HTTPS_PROXY names, as self-hosted runners need', async () => {
    const connects: (string | undefined)[] = []
    const proxy = createServer()
    proxy.on('connect', (request, socket) => {
      connects.push(request.url)
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    nock.enableNetConnect('127.0.0.1')
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    try {
      // @actions/github picks its proxy when it is imported, so import it afresh with the variable set.
      jest.resetModules()
      const fresh = await import('../src/pr-comment.js')
      await expect(fresh.upsertComment({ ...target, body: COMMENT_MARKER })).rejects.toThrow(
        /^Could not list the comments on pull request #7 of acme\/app: GitHub was not reached/
      )
      expect(connects).toEqual(['api.github.com:443'])
    } finally {
      delete process.env.HTTPS_PROXY
      nock.disableNetConnect()
      await new Promise((resolve) => proxy.close(resolve))
    }
  })
})
