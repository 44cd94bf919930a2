// `expect-plan: pull-request`: the reviewed digest found through the commit's merged pull request and our own plan
// comment, every missing piece a clear failure; against a loopback stand-in for GitHub's API.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHub, type GitHubStandIn, type Handler } from '../../__fixtures__/github-stand-in.js'
import { githubClient } from '../../src/manifest/github-client.js'
import { markerOf, planComment } from '../../src/manifest/pr-comment.js'
import type { PlanRow } from '../../src/manifest/report.js'
import { changedRows, reviewedPlan, tableRows } from '../../src/manifest/reviewed-plan.js'

const SHA = 'fedcba9876543210fedcba9876543210fedcba98'
const PUSH = { eventName: 'push', sha: SHA, owner: 'acme', repo: 'app' }
const TARGET = { token: 'ghs_token', label: 'production' }
const PULLS = `GET /repos/acme/app/commits/${SHA}/pulls`
const COMMENTS = 'GET /repos/acme/app/issues/7/comments?per_page=50'

const row = (overrides: Partial<PlanRow> = {}): PlanRow => ({
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  action: 'activate',
  effect: 'activate',
  id: 'gNl6hyM6',
  health: 'paused',
  source: '.github/q.yml:2',
  ...overrides
})
const REVIEWED = [
  row(),
  row({
    title: 'AppsFlyer',
    provider: 'appsflyer',
    store: 'Android',
    action: 'create',
    effect: 'create (paused)',
    id: '',
    health: '',
    source: '.github/q.yml:5'
  }),
  row({
    title: 'Old | Slack <b>',
    provider: 'Slack',
    action: 'nothing',
    effect: 'none',
    id: 'old1',
    health: 'idle',
    source: 'unmanaged'
  })
]
const DIGEST = '0123456789abcdef'
const planBody = (label = 'production', rows = REVIEWED) =>
  planComment({
    label,
    heading: '### plan',
    stamp: 'Commit `fedcba9`',
    rows,
    digestLine: `Plan digest: \`${DIGEST}\``
  })

const comment = (body: string, login = 'github-actions[bot]') => ({
  id: 1,
  body,
  user: { login },
  html_url: 'https://github.com/acme/app/pull/7#issuecomment-1'
})

let github: GitHubStandIn | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

/** GitHub: pull request #7 merged as SHA; `comments` on it; the viewer refused, as for GITHUB_TOKEN. */
async function gitHub(
  comments: ReturnType<typeof comment>[],
  pulls?: unknown[],
  override?: (...args: Parameters<Handler>) => ReturnType<Handler> | undefined
) {
  github = await startGitHub((request, standIn) => {
    const special = override?.(request, standIn)
    if (special) return special
    if (request.path === '/graphql')
      return { status: 403, body: { message: 'Resource not accessible by integration' } }
    if (request.path.endsWith('/pulls'))
      return {
        status: 200,
        body: pulls ?? [
          { number: 3, merged_at: null, merge_commit_sha: 'aaaa' },
          {
            number: 7,
            merged_at: '2026-12-06T08:00:00Z',
            merge_commit_sha: SHA,
            html_url: 'https://github.com/acme/app/pull/7'
          }
        ]
      }
    return { status: 200, body: comments }
  })
  return githubClient({ token: TARGET.token, apiUrl: github.url, env: {} })
}

describe('reviewedPlan', () => {
  it('takes the digest and the rows from our own plan comment of the pull request merged as the commit', async () => {
    const client = await gitHub([
      // Someone quoting our marker with another digest is never trusted.
      comment(planBody().replace(DIGEST, 'ffffffffffffffff'), 'mallory'),
      comment(planBody('staging').replace(DIGEST, 'eeeeeeeeeeeeeeee')),
      comment(planBody())
    ])
    const reviewed = await reviewedPlan(client, PUSH, TARGET)
    expect(reviewed).toMatchObject({ digest: DIGEST, pullRequest: 7 })
    expect(reviewed.rows?.map((r) => [r.title, r.effect, r.id, r.unmanaged])).toEqual([
      ['Amplitude — iOS', 'activate', 'gNl6hyM6', false],
      ['AppsFlyer', 'create (paused)', '', false],
      ['Old \\| Slack &lt;b&gt;', 'none', 'old1', true]
    ])
    expect(github!.lines()).toEqual([PULLS, 'POST /graphql', COMMENTS])
    expect(github!.seen.every((r) => r.method === 'GET' || r.path === '/graphql')).toBe(true)
  })

  it('refuses on any event but push, before any request', async () => {
    const client = await gitHub([])
    await expect(reviewedPlan(client, { ...PUSH, eventName: 'pull_request' }, TARGET)).rejects.toThrow(
      '`expect-plan: pull-request`: this run is a `pull_request` event; the reviewed plan is found only for a `push`'
    )
    expect(github!.seen).toEqual([])
  })

  it('no merged pull request for the commit: says so, and what to do', async () => {
    const client = await gitHub([], [{ number: 3, merged_at: null }])
    await expect(reviewedPlan(client, PUSH, TARGET)).rejects.toThrow(
      /no pull request was merged as commit fedcba9 of acme\/app, so there is no reviewed plan\. Merge the change through a pull request whose plan ran with `comment-on-pr: true`/
    )
  })

  it('a refused listing names the permission', async () => {
    const client = await gitHub([], [], (request) =>
      request.path.endsWith('/pulls')
        ? { status: 403, body: { message: 'Resource not accessible by integration' } }
        : undefined
    )
    await expect(reviewedPlan(client, PUSH, TARGET)).rejects.toThrow(
      /could not list the pull requests of commit fedcba9: .*HTTP 403.*`permissions: pull-requests: read`/
    )
  })

  it('no plan comment of ours for the label: says so and says to run the plan on the pull request', async () => {
    const client = await gitHub([comment(planBody(), 'mallory'), comment(planBody('staging'))])
    await expect(reviewedPlan(client, PUSH, TARGET)).rejects.toThrow(
      'pull request #7 has no plan comment for label `production` written by github-actions[bot]. Run the plan on the pull request with `comment-on-pr: true`'
    )
  })

  it('a plan comment without a digest (its plan failed) is a failure too', async () => {
    const client = await gitHub([comment(`${markerOf('production')}\n### failed\nNo plan for this commit`)])
    await expect(reviewedPlan(client, PUSH, TARGET)).rejects.toThrow(
      'the plan comment of pull request #7 (https://github.com/acme/app/pull/7#issuecomment-1) shows no plan digest: its last plan failed'
    )
  })

  it('a comment cut for GitHub’s size limit gives the digest but no reviewed rows', async () => {
    const cut = `${planBody()}\n\n**3 of 300 rows are not shown**`
    const client = await gitHub([comment(cut)])
    const reviewed = await reviewedPlan(client, PUSH, TARGET)
    expect(reviewed.digest).toBe(DIGEST)
    expect(reviewed.rows).toBeUndefined()
  })
})

describe('changedRows', () => {
  const reviewed = tableRows(planBody())
  it('lists what changed since review, what is new and what is gone — not the unmanaged rows left alone', () => {
    const fresh = [
      row({ action: 'reuse', effect: 'none', health: 'healthy' }),
      row({
        title: 'Webhooks',
        provider: 'webhooks',
        store: 'Stripe',
        action: 'create',
        effect: 'create + activate',
        id: '',
        source: '.github/q.yml:8'
      }),
      row({ title: 'New unmanaged', action: 'nothing', effect: 'none', id: 'x2', source: 'unmanaged' })
    ]
    expect(changedRows(reviewed, fresh)).toEqual([
      '“Amplitude — iOS” (amplitude, iOS): reviewed activate gNl6hyM6; now none gNl6hyM6',
      '“Webhooks” (webhooks, Stripe): not in the reviewed plan; now create + activate',
      '“AppsFlyer” (appsflyer, Android): reviewed create (paused); no longer in the plan'
    ])
  })

  it('finds nothing changed when only health and line numbers differ', () => {
    expect(
      changedRows(
        reviewed,
        REVIEWED.map((r) => ({ ...r, health: 'healthy', source: r.source.replace(/\d+$/, '9') }))
      )
    ).toEqual([])
  })
})
