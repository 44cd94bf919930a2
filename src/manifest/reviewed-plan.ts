// `expect-plan: pull-request`: the digest a reviewer saw, read from the plan comment of the pull request merged as
// this commit, and the rows that changed since that review, for the refusal.
import { ExpectedFailure } from '../domain/errors.js'
import { DIGEST_LENGTH } from '../domain/plan-digest.js'
import { neutralise } from '../domain/untrusted.js'
import { GitHubError, type GitHubClient } from './github-client.js'
import { authorOf, markerOf } from './pr-comment.js'
import { planTable, type PlanRow } from './report.js'

/** A row of a plan table as the comment shows it (escaped markdown cells), enough to tell what changed. */
export interface TableRow {
  title: string
  provider: string
  store: string
  effect: string
  id: string
  unmanaged: boolean
}

export interface ReviewedPlan {
  digest: string
  pullRequest: number
  commentUrl: string
  /** The reviewed rows; undefined when the comment's table is not there whole (cut for GitHub's size limit). */
  rows?: TableRow[]
}

/** What the run knows of itself, passed in by the flow (read from the runner's environment there). */
export interface PushEvent {
  eventName: string
  sha: string
  owner: string
  repo: string
}

interface PullRequestItem {
  number: number
  html_url?: string
  merged_at?: string | null
  merge_commit_sha?: string | null
}

interface Comment {
  body?: string | null
  html_url: string
  user?: { login?: string } | null
}

/** The footer line of planComment; the last one in the body, since the table above it may quote anything. */
const DIGEST_LINE = new RegExp(`^Plan digest: \`([0-9a-f]{${DIGEST_LENGTH}})\`$`, 'gm')

/** fitComment's note when rows were left out: the reviewed set is then not known whole. */
const CUT_NOTE = /\*\*\d+ of \d+ rows are not shown\*\*/

const PERMISSIONS =
  'The job needs `permissions: pull-requests: read` (and `contents: read`) and `github-token: ${{ github.token }}`.'

function failure(message: string, cause?: unknown): ExpectedFailure {
  const plain403 =
    cause instanceof GitHubError && cause.reason === 'http' && (cause.status === 403 || cause.status === 404)
  const why = cause instanceof Error ? `: ${cause.message}.` : '.'
  return new ExpectedFailure(
    `\`expect-plan: pull-request\`: ${message}${why}${plain403 ? ` ${PERMISSIONS}` : ''}`,
    cause === undefined ? undefined : { cause }
  )
}

/** Splits a markdown table line on the pipes planTable leaves unescaped. */
const cellsOf = (line: string): string[] =>
  line
    .replace(/^\|\s?/, '')
    .replace(/\s?\|$/, '')
    .split(/\s\|\s/)

/** The rows of every plan table in `markdown` (the listed entries and the folded unmanaged ones). */
export function tableRows(markdown: string): TableRow[] {
  const rows: TableRow[] = []
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ')) continue
    const cells = cellsOf(line)
    const entry = /^(.*) <sub>(.*)<\/sub>$/.exec(cells[0] ?? '')
    if (!entry || cells.length < 6) continue
    rows.push({
      title: entry[1],
      provider: cells[1].replace(/^`|`$/g, ''),
      store: cells[2],
      effect: cells[3].replace(/^\*\*|\*\*$/g, '').replace(/ \(provider not checked\)$/, ''),
      id: cells[4] === '—' ? '' : cells[4].replace(/^`|`$/g, ''),
      unmanaged: entry[2] === 'unmanaged'
    })
  }
  return rows
}

/** The table's escaped cell text back as plain text, neutralised again for the log. */
function plain(text: string): string {
  const unescaped = text
    .replace(/\\\|/g, '|')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
  return neutralise(unescaped, 300)
}

const what = (r: TableRow): string => `${r.effect}${r.id ? ` ${r.id}` : ''}`
const keyOf = (r: TableRow): string => JSON.stringify([r.title, r.store, r.provider, r.unmanaged])
/** Rows the digest counts: every listed entry, and an unmanaged record only when something is done to it. */
const counted = (r: TableRow): boolean => !r.unmanaged || r.effect !== 'none'

/**
 * One line per row that differs between the reviewed plan and the fresh one: a changed action or id, a row only
 * the fresh plan has, a row that is gone. Both sides go through the same table, so they compare cell by cell.
 */
export function changedRows(reviewed: TableRow[], fresh: PlanRow[]): string[] {
  const now = tableRows(planTable(fresh)).filter(counted)
  const before = new Map(reviewed.filter(counted).map((r) => [keyOf(r), r]))
  const lines: string[] = []
  for (const r of now) {
    const name = `“${plain(r.title)}” (${plain(r.provider)}, ${plain(r.store)})`
    const old = before.get(keyOf(r))
    before.delete(keyOf(r))
    if (!old) lines.push(`${name}: not in the reviewed plan; now ${plain(what(r))}`)
    else if (what(old) !== what(r)) lines.push(`${name}: reviewed ${plain(what(old))}; now ${plain(what(r))}`)
  }
  for (const old of before.values()) {
    lines.push(
      `“${plain(old.title)}” (${plain(old.provider)}, ${plain(old.store)}): reviewed ${plain(what(old))}; no longer in the plan`
    )
  }
  return lines
}

/**
 * The plan comment of the pull request merged as `event.sha`, written by the token's own identity for `label`, and
 * the digest it shows. Every failure says what is missing and what to do; nothing here writes.
 */
export async function reviewedPlan(
  client: GitHubClient,
  event: PushEvent,
  target: { token: string; label: string }
): Promise<ReviewedPlan> {
  const { owner, repo, sha } = event
  if (event.eventName !== 'push') {
    throw failure(
      `this run is a \`${event.eventName || 'unknown'}\` event; the reviewed plan is found only for a \`push\` ` +
        'of a merged pull request (run the apply `on: push` to the branch the pull request merges into)'
    )
  }
  if (!/^[0-9a-f]{40,64}$/.test(sha) || !owner || !repo) {
    throw failure(
      'GITHUB_SHA or GITHUB_REPOSITORY is not set, so the merged pull request cannot be looked up'
    )
  }
  let pulls: PullRequestItem[]
  try {
    pulls = (await client.request<PullRequestItem[]>('GET', `/repos/${owner}/${repo}/commits/${sha}/pulls`))
      .data
  } catch (error) {
    throw failure(`could not list the pull requests of commit ${sha.slice(0, 7)}`, error)
  }
  const merged = Array.isArray(pulls) ? pulls.filter((p) => p.merged_at) : []
  const pull = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0]
  if (!pull) {
    throw failure(
      `no pull request was merged as commit ${sha.slice(0, 7)} of ${owner}/${repo}, so there is no reviewed plan. ` +
        'Merge the change through a pull request whose plan ran with `comment-on-pr: true`, or give `expect-plan` ' +
        'the reviewed `plan-digest` itself'
    )
  }

  const where = `pull request #${pull.number}`
  const marker = markerOf(target.label)
  let found: Comment | undefined
  let author: string
  try {
    author = await authorOf(client, target.token)
    for await (const page of client.pages<Comment>(
      `/repos/${owner}/${repo}/issues/${pull.number}/comments?per_page=50`
    )) {
      // Only our own comment: anyone can post one that quotes the marker and another digest.
      found = page.find((c) => c.user?.login === author && c.body?.includes(marker))
      if (found) break
    }
  } catch (error) {
    throw failure(`could not read the comments of ${where}`, error)
  }
  if (!found) {
    throw failure(
      `${where} has no plan comment for label \`${target.label}\` written by ${author}. Run the plan on the pull ` +
        'request with `comment-on-pr: true` and the same `label` (and token), then merge it again — or give ' +
        '`expect-plan` the reviewed `plan-digest` itself'
    )
  }
  const body = found.body ?? ''
  const digest = [...body.matchAll(DIGEST_LINE)].pop()?.[1]
  if (!digest) {
    throw failure(
      `the plan comment of ${where} (${found.html_url}) shows no plan digest: its last plan failed. Fix the ` +
        'problem it names and run the plan on the pull request again'
    )
  }
  return {
    digest,
    pullRequest: pull.number,
    commentUrl: found.html_url,
    ...(CUT_NOTE.test(body) ? {} : { rows: tableRows(body) })
  }
}
