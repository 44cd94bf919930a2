// The drift issue: one per label, found again by its marker among our own open issues, updated with its first-seen
// time kept, closed with a comment when the check passes; against a loopback stand-in for GitHub's API.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHub, type GitHubStandIn, type SeenRequest } from '../../__fixtures__/github-stand-in.js'
import { githubClient } from '../../src/manifest/github-client.js'
import { driftIssueBody, driftMarkerOf, reportDrift } from '../../src/manifest/drift-issue.js'
import { MAX_COMMENT } from '../../src/manifest/pr-comment.js'
import type { PlanRow } from '../../src/manifest/report.js'

const TARGET = {
  token: 'ghs_token',
  owner: 'acme',
  repo: 'app',
  label: 'production',
  runUrl: 'https://github.com/acme/app/actions/runs/42'
}
const LIST = 'GET /repos/acme/app/issues?state=open&per_page=50'
const FIRST = Date.parse('2026-12-06T04:17:00Z')
const LATER = Date.parse('2026-12-08T04:17:00Z')

const drifted: PlanRow = {
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  action: 'activate',
  effect: 'activate',
  id: 'gNl6hyM6',
  health: 'paused',
  source: '.github/q.yml:2'
}
const inSync: PlanRow = { ...drifted, title: 'Fine', action: 'reuse', effect: 'none', health: 'healthy' }
const FAILING = {
  failing: true as const,
  rows: [drifted, inSync],
  problems: ['.github/q.yml:2 “Amplitude — iOS”: drift — `apply` would activate gNl6hyM6.']
}

interface Issue {
  number: number
  body: string
  title?: string
  state: string
  html_url: string
  user: { login: string }
  pull_request?: unknown
}
const issue = (number: number, body: string, login = 'github-actions[bot]', extra = {}): Issue => ({
  number,
  body,
  state: 'open',
  html_url: `https://github.com/acme/app/issues/${number}`,
  user: { login },
  ...extra
})

let github: GitHubStandIn | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

/** GitHub holding `issues`, kept up to date by the writes it answers; the viewer refused, as for GITHUB_TOKEN. */
async function gitHub(issues: Issue[] = [], refuseWrites = false) {
  github = await startGitHub((request) => {
    if (request.path === '/graphql')
      return { status: 403, body: { message: 'Resource not accessible by integration' } }
    if (request.method === 'GET') return { status: 200, body: issues.filter((i) => i.state === 'open') }
    if (refuseWrites) return { status: 403, body: { message: 'Resource not accessible by integration' } }
    const body = request.body as Partial<Issue>
    if (request.method === 'POST' && request.path.endsWith('/comments'))
      return { status: 201, body: { id: 1, html_url: 'x' } }
    if (request.method === 'POST') {
      const made = issue(issues.length + 10, body.body!, 'github-actions[bot]', { title: body.title })
      issues.push(made)
      return { status: 201, body: made }
    }
    const found = issues.find((i) => i.number === Number(request.path.split('/').pop()))!
    Object.assign(found, body)
    return { status: 200, body: found }
  })
  return { client: githubClient({ token: TARGET.token, apiUrl: github.url, env: {} }), issues }
}
const writes = (seen: SeenRequest[]) =>
  seen.filter((r) => r.method !== 'GET' && r.path !== '/graphql').map((r) => `${r.method} ${r.path}`)

describe('reportDrift', () => {
  it('opens one issue on a failing check, updates it later keeping the first-seen time, closes it when it passes', async () => {
    const { client, issues } = await gitHub([
      // Not ours, though quoting the marker; and a pull request: neither is ever touched.
      issue(1, `${driftMarkerOf('production')} copied`, 'mallory'),
      issue(2, driftMarkerOf('production'), 'github-actions[bot]', { pull_request: {} })
    ])
    const opened = await reportDrift(client, TARGET, FAILING, FIRST)
    expect(opened).toEqual({ action: 'opened', number: 12, url: 'https://github.com/acme/app/issues/12' })
    expect(github!.lines()).toEqual(['POST /graphql', LIST, 'POST /repos/acme/app/issues'])
    const sent = github!.seen[2].body as { title: string; body: string }
    expect(sent.title).toBe('Qonversion integrations drift: production')
    expect(sent.body.startsWith(`${driftMarkerOf('production')}\n`)).toBe(true)
    expect(sent.body).toContain(
      'The scheduled `check` fails since 2026-12-06 04:17 UTC; last checked 2026-12-06 04:17 UTC'
    )
    expect(sent.body).toContain(
      '| Amplitude — iOS <sub>.github/q.yml:2</sub> | `amplitude` | iOS | activate | `gNl6hyM6` | paused |'
    )
    // Only what needs attention is in the table.
    expect(sent.body).not.toContain('| Fine <sub>')
    expect(sent.body).toContain('would activate gNl6hyM6.')

    const updated = await reportDrift(
      client,
      TARGET,
      { ...FAILING, problems: ['.github/q.yml:2 “Amplitude — iOS”: below `require`'] },
      LATER
    )
    expect(updated).toMatchObject({ action: 'updated', number: 12 })
    expect(writes(github!.seen)).toEqual(['POST /repos/acme/app/issues', 'PATCH /repos/acme/app/issues/12'])
    expect(issues[2].body).toContain('fails since 2026-12-06 04:17 UTC; last checked 2026-12-08 04:17 UTC')
    expect(issues[2].body).toContain('below `require`')
    expect(issues[2].body).not.toContain('would activate')

    const closed = await reportDrift(client, TARGET, { failing: false }, LATER + 86_400_000)
    expect(closed).toMatchObject({ action: 'closed', number: 12 })
    expect(writes(github!.seen).slice(2)).toEqual([
      'POST /repos/acme/app/issues/12/comments',
      'PATCH /repos/acme/app/issues/12'
    ])
    const [note, close] = github!.seen.filter((r) => r.method !== 'GET' && r.path !== '/graphql').slice(2)
    expect((note.body as { body: string }).body).toBe(
      'The check passed at 2026-12-09 04:17 UTC ([run](https://github.com/acme/app/actions/runs/42)): the project matches the manifest again. Closing.'
    )
    expect(close.body).toEqual({ state: 'closed', state_reason: 'completed' })
    expect(issues.map((i) => [i.number, i.state])).toEqual([
      [1, 'open'],
      [2, 'open'],
      [12, 'closed']
    ])

    // Passing again with nothing open: reads only.
    const before = github!.seen.length
    expect(await reportDrift(client, TARGET, { failing: false }, LATER)).toEqual({ action: 'none' })
    expect(writes(github!.seen.slice(before))).toEqual([])
  })

  it('keeps one issue per label', async () => {
    const { client } = await gitHub([issue(5, `${driftMarkerOf('staging')}\nstaging drift`)])
    expect(await reportDrift(client, TARGET, FAILING, FIRST)).toMatchObject({ action: 'opened' })
    expect(await reportDrift(client, { ...TARGET, label: 'staging' }, FAILING, FIRST)).toMatchObject({
      action: 'updated',
      number: 5
    })
  })

  it('without `issues: write` (403) says which permission is missing', async () => {
    const { client } = await gitHub([], true)
    await expect(reportDrift(client, TARGET, FAILING, FIRST)).rejects.toThrow(
      /^Could not open a drift issue in acme\/app: .*HTTP 403: Resource not accessible by integration\. The job needs `permissions: issues: write`/
    )
  })
})

describe('driftIssueBody', () => {
  it('escapes server text and stays under GitHub’s limit', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({
      ...drifted,
      title: `${i} <img src=x onerror=alert(1)> ${'x'.repeat(300)}`
    }))
    const body = driftIssueBody({
      label: 'production',
      since: FIRST,
      checkedAt: LATER,
      rows,
      problems: rows.map((r) => `${r.title}: drift </pre><script>`)
    })
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT)
    expect(body).not.toContain('<img')
    expect(body).not.toContain('<script>')
    expect(body.startsWith(driftMarkerOf('production'))).toBe(true)
    expect(body).toContain('<!-- qonversion-integration-action:drift-since=2026-12-06T04:17:00.000Z -->')
  })
})
