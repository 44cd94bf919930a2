// The runner's environment read once, at the entry, into the typed facts a run uses: who the run is (for keys), a
// re-run or not, the workspace, the proxy variables, and for GitHub the repository, event, commit and pull request.
import { readFileSync } from 'node:fs'
import { isRerun, runIdentity, type RunIdentity } from '../domain/idempotency.js'
import { runnerEnv } from './commands.js'

type Env = Readonly<Record<string, string | undefined>>

/** The pull request a run is for and the commit it plans, from the event payload the runner writes. */
export interface PullRequest {
  number: number
  /** The short SHA of the pull request's head (the payload's), else of GITHUB_SHA; undefined when neither reads. */
  commit?: string
}

const shortSha = (sha: unknown): string | undefined =>
  typeof sha === 'string' && /^[0-9a-f]{7,64}$/.test(sha) ? sha.slice(0, 7) : undefined

/**
 * The pull request of a `pull_request*` event; undefined for any other event or an unreadable payload. The head's
 * SHA, not GITHUB_SHA: on `pull_request` GITHUB_SHA is a merge commit nobody sees in the pull request.
 */
export function pullRequestOf(env: Env): PullRequest | undefined {
  if (!env.GITHUB_EVENT_NAME?.startsWith('pull_request') || !env.GITHUB_EVENT_PATH) return undefined
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: { number?: unknown; head?: { sha?: unknown } }
    }
    const n = event.pull_request?.number
    if (typeof n !== 'number') return undefined
    const commit = shortSha(event.pull_request?.head?.sha) ?? shortSha(env.GITHUB_SHA)
    return { number: n, ...(commit ? { commit } : {}) }
  } catch {
    return undefined
  }
}

/** What a run knows of its workflow run on GitHub. */
export interface GitHubRun {
  eventName: string
  sha: string
  owner: string
  repo: string
  /** The run's page, for links in an issue; undefined outside a workflow run. */
  runUrl?: string
  /** The REST and GraphQL roots (GitHub Enterprise Server has its own); undefined: github.com's. */
  apiUrl?: string
  graphqlUrl?: string
  /** The pull request of a `pull_request*` event. */
  pullRequest?: PullRequest
}

export interface RunnerContext {
  run: RunIdentity
  rerun: boolean
  /** GITHUB_WORKSPACE, or the current directory outside a runner. */
  workspace: string
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (either case) as set: the transport picks its route from them. */
  proxyEnv: Env
  github: GitHubRun
}

const PROXY_VARIABLES = /^(https?_proxy|no_proxy)$/i

/** Reads the environment (the runner's, by default) once into the context both actions run on. */
export function readContext(env: Env = runnerEnv(), cwd = process.cwd()): RunnerContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  // The event payload is read only by a run that asks for its pull request (the manifest's comment), once.
  let pullRequest: { value: PullRequest | undefined } | undefined
  return {
    run: runIdentity(env),
    rerun: isRerun(env),
    workspace: env.GITHUB_WORKSPACE || cwd,
    proxyEnv: Object.fromEntries(Object.entries(env).filter(([name]) => PROXY_VARIABLES.test(name))),
    github: {
      eventName: env.GITHUB_EVENT_NAME ?? '',
      sha: env.GITHUB_SHA ?? '',
      owner,
      repo,
      runUrl:
        owner && repo && env.GITHUB_RUN_ID
          ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`
          : undefined,
      apiUrl: env.GITHUB_API_URL,
      graphqlUrl: env.GITHUB_GRAPHQL_URL,
      get pullRequest() {
        pullRequest ??= { value: pullRequestOf(env) }
        return pullRequest.value
      }
    }
  }
}
