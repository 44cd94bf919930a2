// `check` with `drift-issue: true`: one issue per manifest label while the check fails — opened, kept up to date
// (what fails now, failing since when), closed with a comment by the first check that passes.
import { ExpectedFailure } from '../domain/errors.js'
import { escapeHtml } from '../runner/summary.js'
import { GitHubError, type GitHubClient } from './github-client.js'
import { authorOf, encodedLabel, fitComment } from './pr-comment.js'
import { labelSuffix, planTable, type PlanRow } from './report.js'

/** Hidden in the issue's body: the issue of this label, among the open issues the token's identity wrote. */
export function driftMarkerOf(label: string): string {
  return `<!-- qonversion-integration-action:drift-issue label=${encodedLabel(label)} -->`
}

/** When the check first failed, kept across updates; only ever read back from our own issue. */
const SINCE =
  /<!-- qonversion-integration-action:drift-since=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z) -->/

const sinceMarker = (at: number): string =>
  `<!-- qonversion-integration-action:drift-since=${new Date(at).toISOString()} -->`

const utc = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`

export interface DriftTarget {
  token: string
  owner: string
  repo: string
  label: string
  /** This workflow run's page, linked from the issue; undefined outside a runner. */
  runUrl?: string
}

/** What the check found: failing with the rows and reasons, or passing. */
export type CheckState = { failing: true; rows: PlanRow[]; problems: string[] } | { failing: false }

export type DriftOutcome =
  { action: 'opened' | 'updated' | 'closed'; number: number; url: string } | { action: 'none' }

/** The issue's body, under GitHub's 65,536 characters: every text in it escaped, server text included. */
export function driftIssueBody(parts: {
  label: string
  since: number
  checkedAt: number
  runUrl?: string
  rows: PlanRow[]
  problems: string[]
}): string {
  const run = parts.runUrl ? ` ([run](${parts.runUrl}))` : ''
  const attention = parts.rows.filter(
    (r) => r.error || r.action === 'create' || r.action === 'activate' || r.action === 'pause'
  )
  return fitComment({
    marker: `${driftMarkerOf(parts.label)}\n${sinceMarker(parts.since)}`,
    heading:
      `### Qonversion integrations differ from the manifest${labelSuffix(parts.label)}\n` +
      `The scheduled \`check\` fails since ${utc(parts.since)}; last checked ${utc(parts.checkedAt)}${run}.`,
    table: planTable(attention),
    extra: `**What fails now**\n\n<pre>${escapeHtml(parts.problems.join('\n'))}</pre>`,
    footer:
      'Run `apply` (or change the file to match the project), or fix the integrations below `require`. ' +
      'This issue is kept up to date by the manifest action’s `check` (`drift-issue: true`) and closed by the ' +
      'first check that passes.'
  })
}

interface Issue {
  number: number
  body?: string | null
  html_url: string
  user?: { login?: string } | null
  pull_request?: unknown
}

const HINT =
  ' The job needs `permissions: issues: write` (and `github-token: ${{ github.token }}`) for the drift issue.'

function failure(what: string, error: unknown): ExpectedFailure {
  const plain403 = error instanceof GitHubError && error.reason === 'http' && error.status === 403
  const why = error instanceof Error ? error.message : String(error)
  return new ExpectedFailure(`Could not ${what}: ${why}.${plain403 ? HINT : ''}`, { cause: error })
}

/**
 * Opens, updates or closes this label's drift issue. Only an open issue the token's own identity wrote, carrying
 * the label's marker, is ever edited. A failure throws an ExpectedFailure that names what was being done.
 */
export async function reportDrift(
  client: GitHubClient,
  target: DriftTarget,
  state: CheckState,
  now: number
): Promise<DriftOutcome> {
  const { owner, repo } = target
  const marker = driftMarkerOf(target.label)
  let open: Issue | undefined
  try {
    const author = await authorOf(client, target.token)
    for await (const page of client.pages<Issue>(`/repos/${owner}/${repo}/issues?state=open&per_page=50`)) {
      open = page.find((i) => !i.pull_request && i.user?.login === author && i.body?.includes(marker))
      if (open) break
    }
  } catch (error) {
    throw failure(`look for the drift issue in ${owner}/${repo}`, error)
  }

  if (!state.failing) {
    if (!open) return { action: 'none' }
    try {
      await client.request('POST', `/repos/${owner}/${repo}/issues/${open.number}/comments`, {
        body: {
          body: `The check passed at ${utc(now)}${target.runUrl ? ` ([run](${target.runUrl}))` : ''}: the project matches the manifest again. Closing.`
        },
        write: true
      })
      await client.request('PATCH', `/repos/${owner}/${repo}/issues/${open.number}`, {
        body: { state: 'closed', state_reason: 'completed' }
      })
    } catch (error) {
      throw failure(`close drift issue #${open.number}`, error)
    }
    return { action: 'closed', number: open.number, url: open.html_url }
  }

  const kept = Date.parse(SINCE.exec(open?.body ?? '')?.[1] ?? '')
  const body = driftIssueBody({
    label: target.label,
    since: Number.isFinite(kept) && kept <= now ? kept : now,
    checkedAt: now,
    runUrl: target.runUrl,
    rows: state.rows,
    problems: state.problems
  })
  const title = `Qonversion integrations drift: ${target.label}`
  try {
    if (open) {
      const { data } = await client.request<Issue>('PATCH', `/repos/${owner}/${repo}/issues/${open.number}`, {
        body: { title, body }
      })
      return { action: 'updated', number: data.number, url: data.html_url }
    }
    const { data } = await client.request<Issue>('POST', `/repos/${owner}/${repo}/issues`, {
      body: { title, body },
      write: true
    })
    return { action: 'opened', number: data.number, url: data.html_url }
  } catch (error) {
    throw failure(
      open ? `update drift issue #${open.number}` : `open a drift issue in ${owner}/${repo}`,
      error
    )
  }
}
