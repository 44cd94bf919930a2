// The manifest action's pull-request comment, in-process: the Qonversion API behind a fake transport, GitHub a
// loopback stand-in; what reached GitHub is asserted along with the step's result.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  startGitHub,
  type GitHubStandIn,
  type Handler,
  type SeenRequest
} from '../../../__fixtures__/github-stand-in.js'
import { MANIFEST, SECRET, record, runManifest } from '../../../__fixtures__/run-manifest.js'
import type { HttpRequest, HttpResponse, Transport } from '../../../src/net/retry.js'
import { LEGACY_MARKER, MAX_COMMENT, markerOf } from '../../../src/manifest/pr-comment.js'

const COMMENTS = '/repos/acme/app/issues/7/comments'
const LIST = `GET ${COMMENTS}?per_page=50`
const HEAD = 'fedcba9876543210fedcba9876543210fedcba98'
const TOKEN = 'ghs_Sup3rS3cretGitHubToken'
const PLANNED_AT = Date.parse('2026-12-06T07:04:30Z')
const lines = (...text: string[]): string => `${text.join('\n')}\n`
const ONE = lines('integrations:', '  - {title: AppsFlyer, provider: appsflyer, store: Android}')

const CATALOG = {
  object: 'list',
  data: [
    {
      category: 'analytics',
      title: 'Analytics',
      integrations: [{ slug: 'appsflyer', title: 'AppsFlyer', allowedStores: ['iOS', 'Android'] }]
    }
  ]
}

/** The Qonversion API as a fake transport: the list holds `records`; `status` answers every request instead. */
function qonversion(records: Record<string, unknown>[] = [], status?: [number, unknown]): Transport {
  return (request: HttpRequest): Promise<HttpResponse> => {
    const path = new URL(request.url).pathname
    const [code, body] =
      status ?? (path.endsWith('/meta') ? [200, CATALOG] : [200, { object: 'list', data: records }])
    return Promise.resolve({ status: code, headers: { get: () => null }, body: JSON.stringify(body) })
  }
}

const comment = (id: number, body: string, login = 'github-actions[bot]') => ({
  id,
  body,
  user: { login, type: 'Bot' },
  html_url: `https://github.com/acme/app/pull/7#issuecomment-${id}`
})

let github: GitHubStandIn | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

/** GitHub with the comments `listed` (kept up to date by the writes it answers); viewer refused as for GITHUB_TOKEN. */
async function gitHub(
  listed: ReturnType<typeof comment>[] = [],
  override?: (...args: Parameters<Handler>) => ReturnType<Handler> | undefined
) {
  let next = 100
  github = await startGitHub((request, standIn) => {
    const special = override?.(request, standIn)
    if (special) return special
    if (request.path === '/graphql')
      return { status: 403, body: { message: 'Resource not accessible by integration' } }
    if (request.method === 'GET') return { status: 200, body: listed }
    const text = (request.body as { body: string }).body
    if (request.method === 'POST') {
      const made = comment(++next, text)
      listed.push(made)
      return { status: 201, body: made }
    }
    const id = Number(request.path.split('/').pop())
    const found = listed.find((c) => c.id === id)!
    found.body = text
    return { status: 200, body: found }
  })
  return { github, listed }
}

const writes = (seen: SeenRequest[]) => seen.filter((r) => r.method !== 'GET' && r.path !== '/graphql')
const bodyOf = (request: SeenRequest) => (request.body as { body: string }).body

function onPullRequest(
  inputs: Record<string, string> = {},
  manifest = ONE
): Parameters<typeof runManifest>[0] {
  return {
    manifest,
    inputs: { 'comment-on-pr': 'true', 'github-token': TOKEN, ...inputs },
    files: { 'event.json': JSON.stringify({ pull_request: { number: 7, head: { sha: HEAD } } }) },
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: '$WORKSPACE/event.json',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_API_URL: github!.url,
      GITHUB_GRAPHQL_URL: undefined
    }
  }
}

const options = (transport: Transport = qonversion()) => ({ transport, now: () => PLANNED_AT })

describe('the pull-request comment', () => {
  it('is posted with the label’s marker, the head commit and the time planned, then updated in place', async () => {
    await gitHub([comment(3, 'Looks good')])
    const posted = await runManifest(onPullRequest(), options())
    expect(posted.failed).toBe(false)
    expect(github!.lines()).toEqual(['POST /graphql', LIST, `POST ${COMMENTS}`])
    const body = bodyOf(github!.seen[2])
    expect(body).toMatch(
      new RegExp(
        `^${markerOf(MANIFEST).replace(/[.]/g, '\\.')}\\n### Qonversion integrations — plan: 1 change\\(s\\) planned · <code>${MANIFEST.replace(/[.]/g, '\\.')}</code>\\n` +
          'Commit `fedcba9` · planned 2026-12-06 07:04 UTC\\n'
      )
    )
    expect(body).toContain(
      `| AppsFlyer <sub>${MANIFEST}:2</sub> | \`appsflyer\` | Android | create + activate | — | — |`
    )
    expect(posted.stdout).toContain(
      'Plan created as a comment: https://github.com/acme/app/pull/7#issuecomment-101'
    )
    // The digest is shown whole, for the reviewer and for an apply that insists on it.
    expect(body).toContain(`Plan digest: \`${posted.outputs['plan-digest']}\``)
    expect(posted.summary).toContain(
      `### Qonversion integrations — plan: 1 change(s) planned · <code>${MANIFEST}</code>`
    )

    const again = await runManifest(onPullRequest(), options())
    expect(again.failed).toBe(false)
    expect(writes(github!.seen).map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${COMMENTS}`,
      'PATCH /repos/acme/app/issues/comments/101'
    ])
    expect(again.stdout).toContain('Plan updated as a comment')
  })

  it('masks the github-token at once: GitHub echoing it in an error never puts it in the log', async () => {
    await gitHub([], (request) =>
      request.method === 'GET'
        ? { status: 404, body: { message: `Not Found for token ${TOKEN}` } }
        : undefined
    )
    const result = await runManifest(onPullRequest(), options())
    expect(result.failed).toBe(false)
    expect(result.stdout.split('\n').slice(0, 2)).toContain(`::add-mask::${TOKEN}`)
    expect(result.stdout.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN)
    expect(result.stdout).toContain('GitHub answered HTTP 404: Not Found for token ***')
  })

  it('keeps one comment per label: one file planned for staging and for production', async () => {
    const { listed } = await gitHub()
    await runManifest(onPullRequest({ label: 'staging' }), options())
    await runManifest(onPullRequest({ label: 'production' }), options())
    await runManifest(onPullRequest({ label: 'staging' }), options())
    expect(writes(github!.seen).map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${COMMENTS}`,
      `POST ${COMMENTS}`,
      'PATCH /repos/acme/app/issues/comments/101'
    ])
    expect(listed.map((c) => c.body.split('\n')[0])).toEqual([markerOf('staging'), markerOf('production')])
    expect(listed[1].body).toContain(
      '### Qonversion integrations — plan: 1 change(s) planned · <code>production</code>'
    )
  })

  it('takes over the comment of an earlier version (no label) when the label is the default', async () => {
    const { listed } = await gitHub([comment(55, `${LEGACY_MARKER}\nold plan`)])
    await runManifest(onPullRequest(), options())
    expect(writes(github!.seen).map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /repos/acme/app/issues/comments/55'
    ])
    expect(listed[0].body.startsWith(markerOf(MANIFEST))).toBe(true)
  })

  it('says so in the comment when the file is invalid, instead of leaving the earlier green plan', async () => {
    const { listed } = await gitHub([comment(55, `${markerOf(MANIFEST)}\nold green plan`)])
    const result = await runManifest(
      onPullRequest({}, lines('integrations:', '  - {title: A, provider: appsflyer, store: ios}')),
      options()
    )
    expect(result.failed).toBe(true)
    expect(writes(github!.seen).map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /repos/acme/app/issues/comments/55'
    ])
    const body = listed[0].body
    expect(body).toContain(
      `### Qonversion integrations — failed · <code>${MANIFEST}</code>\nCommit \`fedcba9\` · run 2026-12-06 07:04 UTC`
    )
    expect(body).toContain('No plan for this commit')
    expect(body).toContain(`${MANIFEST}:2`)
    expect(body).not.toContain('old green plan')
  })

  it('says so in the comment when the API refuses the key', async () => {
    const { listed } = await gitHub([comment(55, `${markerOf(MANIFEST)}\nold green plan`)])
    const refused = qonversion(
      [],
      [401, { error: { type: 'auth', code: 'unauthorized', message: 'Invalid key' } }]
    )
    const result = await runManifest(onPullRequest(), options(refused))
    expect(result.failed).toBe(true)
    expect(listed[0].body).toContain('No plan for this commit')
    expect(listed[0].body).toContain('401')
    expect(listed[0].body).not.toContain(SECRET)
  })

  it('a GitHub that never answers: the plan stands, the comment is a warning, within the budget', async () => {
    await gitHub([], () => 'hang')
    const started = Date.now()
    const result = await runManifest(onPullRequest(), {
      ...options(),
      githubBudget: { requestTimeoutMs: 200, totalMs: 1_000 }
    })
    expect(Date.now() - started).toBeLessThan(2_500)
    expect(result.failed).toBe(false)
    expect(result.outputs.changes).toBe('1')
    expect(result.stdout).toMatch(
      /::warning::Could not comment on the pull request: Could not find which account the token writes as: GitHub POST \/graphql: .*no answer within 0\.2 s.*\n/
    )
  })

  it('stays under GitHub’s limit for a long plan, while the job summary keeps every row', async () => {
    await gitHub()
    const entries = Array.from(
      { length: 300 },
      (_, i) =>
        `  - {title: "${String(i).padStart(3, '0')} ${'x'.repeat(240)}", provider: appsflyer, store: iOS}`
    )
    const result = await runManifest(onPullRequest({}, lines('integrations:', ...entries)), options())
    expect(result.failed).toBe(false)
    const body = bodyOf(writes(github!.seen)[0])
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).toMatch(/\*\*\d+ of 300 rows are not shown\*\*/)
    expect(result.summary.match(/ <sub>\.github/g)).toHaveLength(300)
  })

  it('is not attempted without a token, nor outside a pull request', async () => {
    await gitHub()
    const noToken = await runManifest(onPullRequest({ 'github-token': '' }), options())
    expect(noToken.failed).toBe(false)
    expect(noToken.stdout).toContain('Not commenting: the plan goes to the job summary only')
    const push = onPullRequest()
    await runManifest({ ...push, env: { ...push.env, GITHUB_EVENT_NAME: 'push' } }, options())
    expect(github!.seen).toEqual([])
  })

  it('a `label` of more than one line is refused before any request, naming the input', async () => {
    await gitHub()
    const result = await runManifest(onPullRequest({ label: 'a\nb' }), options())
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('Input `label` must be one line of at most 100 characters')
    expect(github!.seen).toEqual([])
  })

  it('unmanaged records are folded below the changes', async () => {
    await gitHub()
    const old = record({ id: 'old1', title: 'Old Slack', integration: 'AppsFlyer', target_platform: 'iOS' })
    await runManifest(onPullRequest(), options(qonversion([old])))
    const body = bodyOf(writes(github!.seen)[0])
    expect(
      body.indexOf('<details><summary>1 integration(s) in the project that the file does not list')
    ).toBeGreaterThan(body.indexOf('| AppsFlyer <sub>'))
  })
})
