// The manifest plan as one pull-request comment per manifest label: kept under GitHub's size limit, found again by
// a hidden marker among the comments the token's own identity wrote, and sent through the bounded GitHub client.
import { ExpectedFailure } from '../domain/errors.js'
import { GitHubError, type GitHubClient } from './github-client.js'
import { planTable, type PlanRow } from './report.js'
import { escapeHtml } from '../runner/summary.js'

/**
 * The marker of versions before `label`: one per pull request. The run whose label is the default takes over a
 * comment that carries it, so upgrading leaves no orphaned comment behind.
 */
export const LEGACY_MARKER = '<!-- qonversion-integration-action:manifest -->'

/**
 * Hidden in the rendered comment; one per label, so two manifests (or one file planned for two projects) keep two
 * comments. The label is percent-encoded, `-` included, so no label can end the HTML comment or contain another's
 * marker: `label=a` is never found inside `label=ab`, the closing ` -->` being part of the marker.
 */
export function markerOf(label: string): string {
  return `<!-- qonversion-integration-action:manifest label=${encodedLabel(label)} -->`
}

/** A label as it appears in a hidden marker (this comment's, the drift issue's): percent-encoded, `-` included. */
export function encodedLabel(label: string): string {
  return encodeURIComponent(label).replace(/-/g, '%2D')
}

/** GitHub refuses a comment body over 65,536 characters. */
export const MAX_COMMENT = 65_536

/** Cuts to at most `max` UTF-16 units with an ellipsis, never through a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = max - 1
  const last = text.charCodeAt(cut - 1)
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1
  return `${text.slice(0, cut)}…`
}

const join = (blocks: (string | undefined)[]): string => blocks.filter((b) => b !== undefined).join('\n\n')

/**
 * Fits a markdown body under GitHub's limit: below the limit unchanged; otherwise `extra` is left out, the table is
 * folded in <details>, then cut at a row with a note saying how many rows were left out and pointing to the job summary. Always
 * includes the marker. The limit is checked on `length` (UTF-16 units), never fewer than the characters GitHub
 * counts, so the result is accepted whatever the text holds.
 */
export function fitComment(parts: {
  marker: string
  heading: string
  table: string
  /** Below the table (conflict explanations, unmanaged rows): left to the job summary when the whole is too long. */
  extra?: string
  footer?: string
}): string {
  const { marker } = parts
  const whole = join([`${marker}\n${parts.heading}`, parts.table, parts.extra, parts.footer])
  if (whole.length <= MAX_COMMENT) return whole

  const lines = parts.table.split('\n')
  // A markdown table's header and `|---|` line are kept so the rows that remain still render as a table.
  const headerSize = lines.length > 1 && /^\s*\|?\s*:?-+:?\s*(\||$)/.test(lines[1]) ? 2 : 0
  const header = lines.slice(0, headerSize)
  const rows = lines.slice(headerSize)
  const build = (shown: number, heading: string, footer: string | undefined): string => {
    const left = rows.length - shown
    const note =
      `**${left} of ${rows.length} rows are not shown**${parts.extra ? ', nor the conflicts and unmanaged rows' : ''}: ` +
      `this comment would be longer than GitHub's limit of ${MAX_COMMENT.toLocaleString('en-US')} characters. ` +
      'The full plan is in the job summary of the run that posted it.'
    const table = [...header, ...rows.slice(0, shown)].join('\n')
    return join([
      `${marker}\n${heading}`,
      `<details><summary>Plan: ${shown} of ${rows.length} rows</summary>\n\n${table}\n\n</details>`,
      note,
      footer
    ])
  }

  // Heading and footer are the caller's few lines; only if they alone break the limit are they cut too.
  let heading = parts.heading
  let footer = parts.footer
  const spare = MAX_COMMENT - build(0, '', footer === undefined ? undefined : '').length
  if (heading.length + (footer?.length ?? 0) > spare) {
    const footerRoom = Math.min(footer?.length ?? 0, Math.floor(spare / 2))
    footer = footer === undefined ? undefined : clip(footer, footerRoom)
    heading = clip(heading, spare - (footer?.length ?? 0))
  }

  // The longest prefix of rows that fits, by binary search: each row adds its length, the counts a digit at most.
  // Only a checked length is returned (none of the rows fits when low stays 0, which the cut above made fit).
  let low = 0
  let high = rows.length
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (build(mid, heading, footer).length <= MAX_COMMENT) low = mid
    else high = mid - 1
  }
  return build(low, heading, footer)
}

/** `Commit abc1234 · planned 2026-12-06 07:04 UTC`: which plan a reader is looking at. */
export function stampOf(commit: string | undefined, at: number, verb = 'planned'): string {
  const time = `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
  return `${commit ? `Commit \`${commit}\` · ` : ''}${verb} ${time}`
}

const FOOTER =
  'Posted by the manifest action; later runs for this label update this comment. The job summary has the whole run.'

/**
 * The plan as a comment: the changes first (every row of a listed entry), then each conflict with its
 * explanation, then the unmanaged rows folded in <details>, since they change nothing unless `prune` says so.
 */
export function planComment(parts: {
  label: string
  heading: string
  stamp: string
  rows: PlanRow[]
  /** `Plan digest: …`, shown whole above the footer (where `expect-plan: pull-request` will read it). */
  digestLine?: string
}): string {
  const listed = parts.rows.filter((r) => r.source !== 'unmanaged')
  const unmanaged = parts.rows.filter((r) => r.source === 'unmanaged')
  const conflicts = parts.rows.flatMap((r) =>
    r.action === 'conflict' && r.error ? [{ ...r, error: r.error }] : []
  )
  const blocks: string[] = []
  if (conflicts.length > 0) {
    // <pre> with escaped text: the explanation quotes records' titles, server text that must not render.
    const items = conflicts.map(
      (r) =>
        `**${escapeHtml(r.title)}** <sub>${escapeHtml(r.source)}</sub>\n<pre>${escapeHtml(r.error)}</pre>`
    )
    blocks.push(`**Conflicts**\n\n${items.join('\n\n')}`)
  }
  if (unmanaged.length > 0) {
    blocks.push(
      `<details><summary>${unmanaged.length} integration(s) in the project that the file does not list</summary>\n\n` +
        `${planTable(unmanaged)}\n\n</details>`
    )
  }
  return fitComment({
    marker: markerOf(parts.label),
    heading: `${parts.heading}\n${parts.stamp}`,
    table: listed.length > 0 ? planTable(listed) : '_The file lists no integrations._',
    extra: blocks.length > 0 ? blocks.join('\n\n') : undefined,
    footer: parts.digestLine ? `${parts.digestLine}\n\n${FOOTER}` : FOOTER
  })
}

/**
 * What replaces the plan when a run fails before it could plan (a file that does not read, a refused key): the
 * earlier plan no longer describes this commit, so it must not stay up looking green.
 */
export function failureComment(parts: {
  label: string
  heading: string
  stamp: string
  problems: string
}): string {
  return fitComment({
    marker: markerOf(parts.label),
    heading: `${parts.heading}\n${parts.stamp}`,
    table: `No plan for this commit: the run failed before it could plan, so any plan shown here before is out of date.`,
    extra: `<pre>${escapeHtml(parts.problems)}</pre>`,
    footer: FOOTER
  })
}

/** The login GITHUB_TOKEN writes as. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]'

const refused = (error: unknown): boolean =>
  error instanceof GitHubError &&
  error.reason === 'http' &&
  (error.status === 401 || error.status === 403 || error.status === 200)

/**
 * The login this token writes comments as — the only author whose comment is ours. A user's token is asked
 * (GET /user); an installation token (`ghs_`: GITHUB_TOKEN or a GitHub App's) cannot use /user, so GraphQL's
 * `viewer` is asked, which names an app's bot (`my-app[bot]`). Where GitHub refuses to say (401, 403, or an
 * answer without a login) the author is exactly github-actions[bot] — never "any bot", so another bot quoting the
 * marker is never edited; any other failure (no answer, a rate limit) ends the attempt to comment.
 */
export async function authorOf(client: GitHubClient, token: string): Promise<string> {
  try {
    if (!token.startsWith('ghs_')) return (await client.request<{ login: string }>('GET', '/user')).data.login
    const data = await client.graphql<{ viewer?: { login?: unknown } | null }>('query { viewer { login } }')
    return typeof data.viewer?.login === 'string' ? data.viewer.login : GITHUB_ACTIONS_BOT
  } catch (error) {
    if (refused(error)) return GITHUB_ACTIONS_BOT
    throw failure('find which account the token writes as', error)
  }
}

const PERMISSION_HINT =
  ' The token may not write pull-request comments: give the job `permissions: pull-requests: write`. ' +
  'Pull requests from forks get a read-only GITHUB_TOKEN whatever the workflow asks, so no comment can be posted there.'

/** An edit refused: either the permission, or the comment is not this token's after all (another app's token). */
const EDIT_HINT =
  ' GitHub lets only the account that wrote a comment edit it: if this token is not the one that posted the ' +
  'comment (another app, or a personal token), give each its own `label`; otherwise the job needs ' +
  '`permissions: pull-requests: write`.'

/**
 * Why a request failed, for the warning: what was being done, GitHub's answer, and — only for a plain 403, never
 * a rate limit — `hint`, what a 403 usually means for that request.
 */
function failure(what: string, error: unknown, hint = ''): ExpectedFailure {
  const why = error instanceof Error ? error.message : String(error)
  const plain403 = error instanceof GitHubError && error.reason === 'http' && error.status === 403
  return new ExpectedFailure(`Could not ${what}: ${why}.${plain403 ? hint : ''}`, { cause: error })
}

interface Comment {
  id: number
  body?: string | null
  html_url: string
  user?: { login?: string } | null
}

/**
 * Pages of 50: a page of GitHub's 100 comments at up to 65,536 characters each could pass the transport's 4 MiB
 * cap; 50 such comments stay under it unless nearly all of them are as long as GitHub allows.
 */
const PER_PAGE = 50

/**
 * Finds this label's comment on the pull request — its marker (or, for the default label, the earlier marker
 * without a label) in a comment the token's own identity wrote — and updates it, or posts one. A comment anyone
 * else wrote is never touched. Every request goes through `client`, so the whole is bounded by its budget.
 * A failure throws an ExpectedFailure that says what was being done and why it failed.
 */
export async function upsertComment(
  client: GitHubClient,
  target: {
    token: string
    owner: string
    repo: string
    issueNumber: number
    label: string
    takeOverLegacy: boolean
  },
  body: string
): Promise<{ id: number; url: string; action: 'created' | 'updated' }> {
  const { owner, repo, issueNumber } = target
  const where = `pull request #${issueNumber} of ${owner}/${repo}`
  const marker = markerOf(target.label)
  const author = await authorOf(client, target.token)

  let own: Comment | undefined
  let legacy: Comment | undefined
  try {
    for await (const page of client.pages<Comment>(
      `/repos/${owner}/${repo}/issues/${issueNumber}/comments?per_page=${PER_PAGE}`
    )) {
      const ours = page.filter((c) => c.user?.login === author)
      own = ours.find((c) => c.body?.includes(marker))
      if (own) break
      legacy ??= target.takeOverLegacy ? ours.find((c) => c.body?.includes(LEGACY_MARKER)) : undefined
    }
  } catch (error) {
    throw failure(`list the comments on ${where}`, error, PERMISSION_HINT)
  }

  const existing = own ?? legacy
  if (existing) {
    try {
      const { data } = await client.request<Comment>(
        'PATCH',
        `/repos/${owner}/${repo}/issues/comments/${existing.id}`,
        {
          body: { body }
        }
      )
      return { id: data.id, url: data.html_url, action: 'updated' }
    } catch (error) {
      // Deleted since it was listed: post a new one below.
      if (!(error instanceof GitHubError && error.status === 404))
        throw failure(`update comment ${existing.id} (written by ${author}) on ${where}`, error, EDIT_HINT)
    }
  }
  try {
    const { data } = await client.request<Comment>(
      'POST',
      `/repos/${owner}/${repo}/issues/${issueNumber}/comments`,
      {
        body: { body },
        write: true
      }
    )
    return { id: data.id, url: data.html_url, action: 'created' }
  } catch (error) {
    throw failure(`post the plan comment on ${where}`, error, PERMISSION_HINT)
  }
}
