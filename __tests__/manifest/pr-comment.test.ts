// The plan comment: one per pull request and label, updated in place only when the token's own identity wrote it,
// never over GitHub's 65,536-character limit; against a loopback stand-in for GitHub's API.
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startGitHub, type GitHubStandIn, type Handler } from '../../__fixtures__/github-stand-in.js'
import { githubClient } from '../../src/manifest/github-client.js'
import type { PlanRow } from '../../src/manifest/report.js'
import {
  LEGACY_MARKER,
  MAX_COMMENT,
  failureComment,
  fitComment,
  markerOf,
  planComment,
  stampOf,
  upsertComment
} from '../../src/manifest/pr-comment.js'

const COMMENT_MARKER = markerOf('.github/qonversion-integrations.yml')
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
const OTHER_BOT = { login: 'some-linter[bot]', type: 'Bot' }

describe('fitComment', () => {
  it('leaves a body under the limit as it is, marker first', () => {
    const body = fitComment({
      marker: COMMENT_MARKER,
      heading: '### Qonversion plan',
      table: tableOf(3),
      footer: '_dry run_'
    })
    expect(body).toBe(`${COMMENT_MARKER}\n### Qonversion plan\n\n${tableOf(3)}\n\n_dry run_`)
    expect(fitComment({ marker: COMMENT_MARKER, heading: 'H', table: 'T' })).toBe(`${COMMENT_MARKER}\nH\n\nT`)
  })

  it('leaves a body of exactly the limit unchanged, and folds one a character longer', () => {
    const fixed = `${COMMENT_MARKER}\nH\n\n`.length
    const table = 'x'.repeat(MAX_COMMENT - fixed)
    expect(fitComment({ marker: COMMENT_MARKER, heading: 'H', table })).toHaveLength(MAX_COMMENT)
    expect(fitComment({ marker: COMMENT_MARKER, heading: 'H', table })).not.toContain('<details>')
    expect(fitComment({ marker: COMMENT_MARKER, heading: 'H', table: `${table}x` })).toContain('<details>')
  })

  it('folds and cuts a table of 5,000 rows, saying how many rows were left out', () => {
    const body = fitComment({
      marker: COMMENT_MARKER,
      heading: '### Plan',
      table: tableOf(5000),
      footer: 'Run 42'
    })
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
    const body = fitComment({ marker: COMMENT_MARKER, heading: 'H', table: [header, ...rows].join('\n') })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
  })

  it('cuts the heading and footer too when they alone are too long, never through an emoji', () => {
    const body = fitComment({
      marker: COMMENT_MARKER,
      heading: '🚀'.repeat(50_000),
      table: tableOf(10),
      footer: 'f'.repeat(100_000)
    })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body.startsWith(COMMENT_MARKER)).toBe(true)
    expect(body).toContain('**10 of 10 rows are not shown**')
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(body.endsWith('f…')).toBe(true)
  })

  it('cuts a heading that alone is too long', () => {
    const body = fitComment({
      marker: COMMENT_MARKER,
      heading: 'h'.repeat(70_000),
      table: tableOf(1),
      footer: 'Run 42'
    })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).toMatch(
      /^<!-- qonversion-integration-action:manifest label=\.github%2Fqonversion%2Dintegrations\.yml -->\nh+…\n\n<details>.*\n\nRun 42$/s
    )
  })

  it('cuts a table that is one long line, and a heading without a footer', () => {
    const body = fitComment({
      marker: COMMENT_MARKER,
      heading: 'H'.repeat(70_000),
      table: 'x'.repeat(100_000)
    })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).toContain('**1 of 1 rows are not shown**')
  })
})

describe('markerOf', () => {
  it('is one per label, and no label’s marker is found inside another’s or can end the HTML comment', () => {
    expect(markerOf('staging')).toBe('<!-- qonversion-integration-action:manifest label=staging -->')
    expect(markerOf('staging')).not.toBe(markerOf('production'))
    expect(markerOf('ab')).not.toContain(markerOf('a'))
    expect(markerOf('x --> <b>')).toBe(
      '<!-- qonversion-integration-action:manifest label=x%20%2D%2D%3E%20%3Cb%3E -->'
    )
    expect(markerOf('a')).not.toContain(LEGACY_MARKER)
  })
})

const planRow = (overrides: Partial<PlanRow>): PlanRow => ({
  title: 'AppsFlyer',
  provider: 'appsflyer',
  store: 'Android',
  action: 'create',
  effect: 'create + activate',
  id: '',
  health: '',
  source: 'm.yml:2',
  ...overrides
})

describe('planComment', () => {
  it('names the label, commit and time; changes first, then conflicts explained, then unmanaged rows folded', () => {
    const body = planComment({
      label: 'production',
      heading: '### Qonversion integrations · production — plan: 1 change(s) planned',
      stamp: stampOf('abc1234', Date.parse('2026-12-06T07:04:59Z')),
      rows: [
        planRow({
          title: 'Old Slack',
          source: 'unmanaged',
          action: 'nothing',
          id: 'Xw3k',
          provider: 'Slack'
        }),
        planRow({}),
        planRow({
          title: 'Amplitude',
          source: 'm.yml:5',
          action: 'conflict',
          error: 'Another provider holds “Amplitude” <script>\n  - gNl6: provider “Mixpanel”'
        })
      ]
    })
    expect(
      body.startsWith(
        `${markerOf('production')}\n### Qonversion integrations · production — plan: 1 change(s) planned\n` +
          'Commit `abc1234` · planned 2026-12-06 07:04 UTC\n\n| Entry |'
      )
    ).toBe(true)
    const changes = body.indexOf('| AppsFlyer <sub>m.yml:2</sub>')
    const conflicts = body.indexOf('**Conflicts**')
    const unmanaged = body.indexOf(
      '<details><summary>1 integration(s) in the project that the file does not list</summary>'
    )
    expect(changes).toBeGreaterThan(0)
    expect(conflicts).toBeGreaterThan(changes)
    expect(unmanaged).toBeGreaterThan(conflicts)
    expect(body).toContain(
      '**Amplitude** <sub>m.yml:5</sub>\n<pre>Another provider holds “Amplitude” &lt;script&gt;\n  - gNl6: provider “Mixpanel”</pre>'
    )
    expect(body.slice(unmanaged)).toContain('| Old Slack <sub>unmanaged</sub>')
    expect(body.slice(0, unmanaged)).not.toContain('Old Slack')
  })

  it('leaves the conflicts and unmanaged rows to the job summary when the whole is too long', () => {
    const rows = Array.from({ length: 400 }, (_, i) => planRow({ title: `${i} ${'x'.repeat(200)}` }))
    rows.push(planRow({ title: 'Old', source: 'unmanaged', action: 'nothing' }))
    const body = planComment({ label: 'l', heading: '### H', stamp: 'now', rows })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).toMatch(/\*\*\d+ of 400 rows are not shown\*\*, nor the conflicts and unmanaged rows:/)
    expect(body).not.toContain('Old <sub>')
  })
})

describe('failureComment', () => {
  it('says there is no plan for this commit, with the problems escaped', () => {
    const body = failureComment({
      label: 'm.yml',
      heading: '### Qonversion integrations · m.yml — failed',
      stamp: stampOf('abc1234', Date.parse('2026-12-06T07:04:00Z'), 'run'),
      problems: 'm.yml:3: `store` is <b>ios</b>'
    })
    expect(body).toBe(
      `${markerOf('m.yml')}\n### Qonversion integrations · m.yml — failed\nCommit \`abc1234\` · run 2026-12-06 07:04 UTC\n\n` +
        'No plan for this commit: the run failed before it could plan, so any plan shown here before is out of date.\n\n' +
        '<pre>m.yml:3: `store` is &lt;b&gt;ios&lt;/b&gt;</pre>\n\n' +
        'Posted by the manifest action; later runs for this label update this comment. The job summary has the whole run.'
    )
  })
})

describe('upsertComment', () => {
  const COMMENTS = '/repos/acme/app/issues/7/comments'
  const LIST = `GET ${COMMENTS}?per_page=50`
  const VIEWER = 'POST /graphql'
  const target = {
    token: 'ghs_test',
    owner: 'acme',
    repo: 'app',
    issueNumber: 7,
    label: '.github/qonversion-integrations.yml',
    takeOverLegacy: true
  }
  const REFUSED = {
    status: 200,
    body: {
      data: { viewer: null },
      errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }]
    }
  }
  let github: GitHubStandIn | undefined
  afterEach(async () => {
    await github?.close()
    github = undefined
  })

  /**
   * A stand-in that answers GraphQL's viewer with `viewer`, GET /user with `user`, the list with `listed` (pages of
   * it by `?page=`), and writes as GitHub does; `override` answers first when it returns something.
   */
  async function gitHub(options: {
    listed?: unknown[][]
    viewer?: { status: number; body: unknown }
    user?: { status: number; body: unknown }
    override?: (method: string, path: string) => ReturnType<Handler> | undefined
  }) {
    const pages = options.listed ?? [[]]
    github = await startGitHub((request, standIn) => {
      const special = options.override?.(request.method, request.path)
      if (special) return special
      if (request.path === '/graphql') return options.viewer ?? REFUSED
      if (request.path === '/user') return options.user ?? { status: 403, body: { message: 'no' } }
      if (request.method === 'GET') {
        const page = Number(/[?&]page=(\d+)/.exec(request.path)?.[1] ?? '1')
        const next =
          page < pages.length
            ? { Link: `<${standIn.url}${COMMENTS}?per_page=50&page=${page + 1}>; rel="next"` }
            : undefined
        return { status: 200, body: pages[page - 1], headers: next }
      }
      const sent = (request.body as { body: string }).body
      if (request.method === 'POST') return { status: 201, body: comment(99, sent) }
      const id = Number(request.path.split('/').pop())
      return { status: 200, body: comment(id, sent) }
    })
    const client = githubClient({
      token: target.token,
      apiUrl: github.url,
      env: {},
      budget: { requestTimeoutMs: 200, totalMs: 5_000 },
      // Waits take no time and are fixed, so only the attempts' own 0.2 s count against the budget.
      clock: { sleep: () => Promise.resolve(), random: () => 0.5 }
    })
    return { client, github }
  }

  const body = fitComment({ marker: COMMENT_MARKER, heading: '### Plan', table: tableOf(2) })

  it('creates the comment when the pull request has none of ours, asking GitHub once who the token is', async () => {
    const { client, github } = await gitHub({
      listed: [
        [comment(1, 'LGTM'), comment(2, 'qonversion-integration-action:manifest label=x without the marker')]
      ]
    })
    await expect(upsertComment(client, target, body)).resolves.toEqual({
      id: 99,
      url: 'https://github.com/acme/app/pull/7#issuecomment-99',
      action: 'created'
    })
    expect(github.lines()).toEqual([VIEWER, LIST, `POST ${COMMENTS}`])
    expect(github.seen[0].body).toEqual({ query: 'query { viewer { login } }', variables: {} })
    expect(github.seen[2].body).toEqual({ body })
    expect(github.seen[2].headers.authorization).toBe('Bearer ghs_test')
  })

  it('updates our comment in place when it is on the second page, and posts nothing', async () => {
    const others = Array.from({ length: 50 }, (_, i) => comment(i + 1, `comment ${i}`))
    const { client, github } = await gitHub({
      listed: [
        others,
        [comment(101, 'hi'), comment(555, `${COMMENT_MARKER}\nold plan`), comment(556, COMMENT_MARKER)]
      ]
    })
    await expect(upsertComment(client, target, body)).resolves.toEqual({
      id: 555,
      url: 'https://github.com/acme/app/pull/7#issuecomment-555',
      action: 'updated'
    })
    expect(github.lines()).toEqual([
      VIEWER,
      LIST,
      `GET ${COMMENTS}?per_page=50&page=2`,
      'PATCH /repos/acme/app/issues/comments/555'
    ])
    expect(github.seen[3].body).toEqual({ body })
  })

  it('with GITHUB_TOKEN (identity unreadable) edits only github-actions[bot]’s comment, never another bot’s', async () => {
    const { client, github } = await gitHub({
      listed: [[comment(3, `${COMMENT_MARKER} quoted`, OTHER_BOT), comment(4, `${COMMENT_MARKER}\nold plan`)]]
    })
    await expect(upsertComment(client, target, body)).resolves.toMatchObject({ id: 4, action: 'updated' })
    expect(github.lines()).toEqual([VIEWER, LIST, 'PATCH /repos/acme/app/issues/comments/4'])
  })

  it('posts its own when only another bot’s or a user’s comment carries the marker', async () => {
    const { client, github } = await gitHub({
      listed: [[comment(3, COMMENT_MARKER, OTHER_BOT), comment(5, COMMENT_MARKER, MALLORY)]]
    })
    await expect(upsertComment(client, target, body)).resolves.toMatchObject({ id: 99, action: 'created' })
    expect(github.lines()).toEqual([VIEWER, LIST, `POST ${COMMENTS}`])
  })

  it('takes github-actions[bot] too when GraphQL refuses with HTTP 403', async () => {
    const { client, github } = await gitHub({
      viewer: { status: 403, body: { message: 'Resource not accessible by integration' } },
      listed: [[comment(3, COMMENT_MARKER, OTHER_BOT), comment(4, COMMENT_MARKER)]]
    })
    await expect(upsertComment(client, target, body)).resolves.toMatchObject({ id: 4, action: 'updated' })
    expect(github.lines()).toEqual([VIEWER, LIST, 'PATCH /repos/acme/app/issues/comments/4'])
  })

  it('with an app’s installation token, edits only that app’s bot’s comment', async () => {
    const app = { login: 'qonversion-bot[bot]', type: 'Bot' }
    const { client, github } = await gitHub({
      viewer: { status: 200, body: { data: { viewer: { login: 'qonversion-bot[bot]' } } } },
      listed: [[comment(4, COMMENT_MARKER), comment(6, COMMENT_MARKER, app)]]
    })
    await expect(upsertComment(client, target, body)).resolves.toMatchObject({ id: 6, action: 'updated' })
    expect(github.lines()).toEqual([VIEWER, LIST, 'PATCH /repos/acme/app/issues/comments/6'])
  })

  it('with a personal token, asks GET /user once and edits only that user’s comment', async () => {
    const alice = { login: 'alice', type: 'User' }
    const { client, github } = await gitHub({
      user: { status: 200, body: { login: 'alice' } },
      listed: [
        [comment(3, COMMENT_MARKER), comment(4, COMMENT_MARKER, MALLORY), comment(5, COMMENT_MARKER, alice)]
      ]
    })
    await expect(upsertComment(client, { ...target, token: 'github_pat_x' }, body)).resolves.toMatchObject({
      id: 5,
      action: 'updated'
    })
    expect(github.lines()).toEqual(['GET /user', LIST, 'PATCH /repos/acme/app/issues/comments/5'])
  })

  it('keeps one comment per label: another label’s comment is left alone', async () => {
    const { client, github } = await gitHub({
      listed: [
        [comment(3, `${markerOf('staging')}\nstaging plan`), comment(4, `${markerOf('production')}\nold`)]
      ]
    })
    const production = fitComment({ marker: markerOf('production'), heading: 'P', table: 'T' })
    await expect(
      upsertComment(client, { ...target, label: 'production', takeOverLegacy: false }, production)
    ).resolves.toMatchObject({ id: 4, action: 'updated' })
    const staging = fitComment({ marker: markerOf('qa'), heading: 'Q', table: 'T' })
    await expect(
      upsertComment(client, { ...target, label: 'qa', takeOverLegacy: false }, staging)
    ).resolves.toMatchObject({
      id: 99,
      action: 'created'
    })
    expect(github.lines().filter((l) => !l.startsWith('GET') && l !== VIEWER)).toEqual([
      'PATCH /repos/acme/app/issues/comments/4',
      `POST ${COMMENTS}`
    ])
  })

  it('takes over a comment with the earlier marker (no label) for the default label only', async () => {
    const listed = [[comment(4, `${LEGACY_MARKER}\nold plan`)]]
    const first = await gitHub({ listed })
    await expect(upsertComment(first.client, target, body)).resolves.toMatchObject({
      id: 4,
      action: 'updated'
    })
    expect(first.github.seen[2].body).toEqual({ body })
    await first.github.close()

    const second = await gitHub({ listed })
    await expect(
      upsertComment(second.client, { ...target, label: 'staging', takeOverLegacy: false }, body)
    ).resolves.toMatchObject({ id: 99, action: 'created' })
  })

  it('prefers its labelled comment to an earlier-marker one', async () => {
    const { client } = await gitHub({
      listed: [[comment(4, LEGACY_MARKER)], [comment(8, COMMENT_MARKER)]]
    })
    await expect(upsertComment(client, target, body)).resolves.toMatchObject({ id: 8, action: 'updated' })
  })

  it('explains a plain 403 on posting: the permission to grant, and that forks get a read-only token', async () => {
    const { client: refusing } = await gitHub({
      override: (method, path) =>
        method === 'POST' && path === COMMENTS
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : undefined
    })
    const failure = upsertComment(refusing, target, body)
    await expect(failure).rejects.toThrow(
      'Could not post the plan comment on pull request #7 of acme/app: GitHub POST /repos/acme/app/issues/7/comments: ' +
        'GitHub answered HTTP 403: Resource not accessible by integration. The token may not write pull-request comments: ' +
        'give the job `permissions: pull-requests: write`. Pull requests from forks get a read-only GITHUB_TOKEN'
    )
  })

  it('reports a rate limit as a rate limit, not as a missing permission', async () => {
    const { client, github } = await gitHub({
      override: (method, path) =>
        method === 'POST' && path === COMMENTS
          ? {
              status: 403,
              headers: { 'Retry-After': '600' },
              body: { message: 'You have exceeded a secondary rate limit.' }
            }
          : undefined
    })
    const error = (await upsertComment(client, target, body).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(
      /^Could not post the plan comment on pull request #7 of acme\/app: .*GitHub's rate limit refused it \(HTTP 403: You have exceeded a secondary rate limit\.\) and asked to wait 600 s/
    )
    expect(error.message).not.toContain('pull-requests: write')
    expect(github.lines()).toEqual([VIEWER, LIST, `POST ${COMMENTS}`])
  })

  it('says which comment it could not update, and whose it is, for a refused edit', async () => {
    const { client } = await gitHub({
      listed: [[comment(8, COMMENT_MARKER)]],
      override: (method) =>
        method === 'PATCH' ? { status: 500, body: { message: 'Server Error' } } : undefined
    })
    await expect(upsertComment(client, target, body)).rejects.toThrow(
      /^Could not update comment 8 \(written by github-actions\[bot\]\) on pull request #7 of acme\/app: .*HTTP 500: Server Error\.$/
    )
  })

  it('a refused edit says that only a comment’s author may edit it, not merely to grant a permission', async () => {
    const { client } = await gitHub({
      listed: [[comment(8, COMMENT_MARKER)]],
      override: (method) =>
        method === 'PATCH'
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : undefined
    })
    const error = (await upsertComment(client, target, body).catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(
      /^Could not update comment 8 \(written by github-actions\[bot\]\) on pull request #7 of acme\/app: .*HTTP 403: Resource not accessible by integration\. GitHub lets only the account that wrote a comment edit it/
    )
    expect(error.message).not.toContain('Pull requests from forks')
  })

  it('posts anew when its comment was deleted between the list and the update', async () => {
    const { client, github } = await gitHub({
      listed: [[comment(4, COMMENT_MARKER)]],
      override: (method) => (method === 'PATCH' ? { status: 404, body: { message: 'Not Found' } } : undefined)
    })
    await expect(upsertComment(client, target, body)).resolves.toMatchObject({ id: 99, action: 'created' })
    expect(github.lines()).toEqual([
      VIEWER,
      LIST,
      'PATCH /repos/acme/app/issues/comments/4',
      `POST ${COMMENTS}`
    ])
  })

  it('says which request failed, without the 403 advice for other statuses', async () => {
    const { client } = await gitHub({
      override: (method) => (method === 'GET' ? { status: 404, body: { message: 'Not Found' } } : undefined)
    })
    const failure = upsertComment(client, target, body)
    await expect(failure).rejects.toThrow(
      /^Could not list the comments on pull request #7 of acme\/app: .*GitHub answered HTTP 404: Not Found\.$/
    )
  })

  it('says when GitHub never answered, within the budget', async () => {
    const { client } = await gitHub({ override: () => 'hang' })
    const started = Date.now()
    await expect(upsertComment(client, target, body)).rejects.toThrow(
      /^Could not find which account the token writes as: GitHub POST \/graphql: GitHub was not reached after 3 attempts \(no answer within 0\.2 s\)\.$/
    )
    expect(Date.now() - started).toBeLessThan(2_000)
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
    try {
      const client = githubClient({
        token: 'ghs_test',
        env: { HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` }
      })
      await expect(
        upsertComment(
          client,
          {
            token: 'ghs_test',
            owner: 'acme',
            repo: 'app',
            issueNumber: 7,
            label: 'l',
            takeOverLegacy: false
          },
          COMMENT_MARKER
        )
      ).rejects.toThrow(
        /^Could not find which account the token writes as: GitHub POST \/graphql: GitHub was not reached/
      )
      expect(connects).toEqual(['api.github.com:443'])
    } finally {
      await new Promise((resolve) => proxy.close(resolve))
    }
  })
})
