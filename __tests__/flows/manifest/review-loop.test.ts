// The review loop in process: a plan commented on the pull request, an apply on the merge's push that insists on
// that plan (`expect-plan: pull-request`), and a check that keeps a drift issue — the Qonversion emulator behind the
// API, GitHub a loopback stand-in; what reached both is asserted along with the step's result.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { start } from '../../../emulator/server.js'
import { startReviewGitHub } from '../../../scripts/github-review-stand-in.mjs'
import { runManifest } from '../../../__fixtures__/run-manifest.js'

const SHA = 'fedcba9876543210fedcba9876543210fedcba98'
const TOKEN = 'ghs_Sup3rS3cretGitHubToken'
const FILE = [
  'integrations:',
  '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}', // 2
  '  - {title: AppsFlyer, provider: appsflyer, store: Android, active: false}', // 3
  ''
].join('\n')

let emu: Awaited<ReturnType<typeof start>>
beforeAll(async () => {
  emu = await start({ port: 0 })
})
afterAll(() => emu.close())
beforeEach(() => emu.reset())

let github: Awaited<ReturnType<typeof startReviewGitHub>> | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

/** GitHub with pull request #7 merged as SHA; `refuse` answers the writes it matches with a 403. */
async function gitHub(refuse?: (request: { method: string; path: string }) => boolean) {
  github = await startReviewGitHub({ owner: 'acme', repo: 'app', pullRequest: 7, mergedSha: SHA, refuse })
  return github
}

const onGitHub = (event: 'pull_request' | 'push' | 'schedule') => ({
  GITHUB_EVENT_NAME: event,
  GITHUB_EVENT_PATH: event === 'pull_request' ? '$WORKSPACE/event.json' : undefined,
  GITHUB_SHA: SHA,
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_API_URL: github!.url,
  GITHUB_GRAPHQL_URL: undefined
})
const base = (mode: string, inputs: Record<string, string> = {}) => ({
  mode,
  'secret-key': 'test_sk_emulator',
  'api-url': emu.apiUrl,
  'github-token': TOKEN,
  ...inputs
})

const planOnPullRequest = () =>
  runManifest({
    manifest: FILE,
    inputs: base('plan', { 'comment-on-pr': 'true' }),
    files: { 'event.json': JSON.stringify({ pull_request: { number: 7, head: { sha: SHA } } }) },
    env: onGitHub('pull_request')
  })
const applyOnPush = () =>
  runManifest({
    manifest: FILE,
    inputs: base('apply', { 'expect-plan': 'pull-request' }),
    env: onGitHub('push')
  })
const check = () =>
  runManifest({ manifest: FILE, inputs: base('check', { 'drift-issue': 'true' }), env: onGitHub('schedule') })

const writesTo = (seen: { method: string; path: string }[]) =>
  seen.filter((r) => r.method !== 'GET' && r.path !== '/graphql').map((r) => `${r.method} ${r.path}`)
const qonversionWrites = () => emu.requests().filter((r) => r.method !== 'GET')

describe('expect-plan: pull-request', () => {
  it('applies the plan reviewed in the merged pull request’s comment, reading GitHub only', async () => {
    const [amplitude] = emu.seed([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 0 }
    ])
    await gitHub()
    const planned = await planOnPullRequest()
    expect(planned.failed).toBe(false)
    const reviewed = planned.outputs['plan-digest']

    const seen = github!.seen.length
    const applied = await applyOnPush()
    expect(applied.failed).toBe(false)
    expect(applied.outputs['plan-digest']).toBe(reviewed)
    expect(applied.stdout).toContain(
      `Reviewed plan: digest ${reviewed} from the plan comment of pull request #7 (https://github.com/acme/app/pull/7#issuecomment-101).`
    )
    expect(github!.seen.slice(seen).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/app/commits/${SHA}/pulls`,
      'POST /graphql',
      'GET /repos/acme/app/issues/7/comments?per_page=50'
    ])
    expect(applied.outputs.changes).toBe('2')
    expect(emu.records('sandbox').find((r) => r.id === amplitude.id)?.active).toBe(1)
  })

  it('refuses, writing nothing, and lists the rows changed since review when a record was activated after it', async () => {
    const [amplitude] = emu.seed([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 0 }
    ])
    await gitHub()
    expect((await planOnPullRequest()).failed).toBe(false)
    emu.setDelivery({ id: amplitude.id, active: 1 })

    const refused = await applyOnPush()
    expect(refused.failed).toBe(true)
    expect(refused.failure).toContain('(the plan comment of pull request #7), but the plan made now is')
    expect(refused.failure).toContain(
      `Changed since the review:\n  - “Amplitude — iOS” (amplitude, iOS): reviewed activate ${amplitude.id}; now none ${amplitude.id}\n` +
        'Run the plan on a pull request again'
    )
    // The unchanged row is not listed.
    expect(refused.failure).not.toContain('“AppsFlyer”')
    expect(qonversionWrites()).toEqual([])
  })

  it('fails clearly when the pull request has no plan comment', async () => {
    await gitHub()
    const result = await applyOnPush()
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      'pull request #7 has no plan comment for label `.github/qonversion-integrations.yml` written by github-actions[bot]. Run the plan on the pull request'
    )
    expect(emu.requests()).toEqual([])
  })

  it('without a github-token is refused before any request, naming the input', async () => {
    await gitHub()
    const result = await runManifest({
      manifest: FILE,
      inputs: base('apply', { 'expect-plan': 'pull-request', 'github-token': '' }),
      env: onGitHub('push')
    })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('Input `expect-plan` is `pull-request`, but `github-token` is empty')
    expect(github!.seen).toEqual([])
    expect(emu.requests()).toEqual([])
  })
})

describe('drift-issue', () => {
  it('opens one issue when the check fails, updates it on the next failure, closes it when a check passes', async () => {
    const [amplitude] = emu.seed([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 0 },
      { title: 'AppsFlyer', integration: 'appsflyer', target_platform: 'Android', active: 0 }
    ])
    const { issues } = await gitHub()
    const first = await check()
    expect(first.failed).toBe(true)
    expect(first.failure).toContain(`drift — \`apply\` would activate ${amplitude.id}.`)
    expect(first.stdout).toContain('Drift issue opened: https://github.com/acme/app/issues/101')
    expect(issues).toHaveLength(1)
    expect(issues[0].body).toContain(
      `<!-- qonversion-integration-action:drift-issue label=.github%2Fqonversion%2Dintegrations.yml -->`
    )
    expect(issues[0].body).toContain(`| \`amplitude\` | iOS | activate | \`${amplitude.id}\` | paused |`)
    expect(issues[0].body).toContain('https://github.com/acme/app/actions/runs/4242')

    const second = await check()
    expect(second.failed).toBe(true)
    expect(second.stdout).toContain('Drift issue updated: https://github.com/acme/app/issues/101')

    emu.setDelivery({ id: amplitude.id, active: 1 })
    const passed = await check()
    expect(passed.failed).toBe(false)
    expect(passed.stdout).toContain('Drift issue closed: https://github.com/acme/app/issues/101')
    expect(writesTo(github!.seen)).toEqual([
      'POST /repos/acme/app/issues',
      'PATCH /repos/acme/app/issues/101',
      'POST /repos/acme/app/issues/101/comments',
      'PATCH /repos/acme/app/issues/101'
    ])
    expect(issues[0].state).toBe('closed')
    expect(qonversionWrites()).toEqual([])
  })

  it('without `issues: write`: a warning, and the check’s own result stands', async () => {
    emu.seed([{ title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 0 }])
    await gitHub(() => true)
    const result = await check()
    expect(result.failed).toBe(true)
    expect(result.failure).toContain('drift — `apply` would activate')
    expect(result.stdout).toMatch(
      /::warning::Could not keep the drift issue: Could not open a drift issue in acme\/app: .*HTTP 403.*`permissions: issues: write`/
    )
  })

  it('is refused outside `check`, before any request', async () => {
    await gitHub()
    const result = await runManifest({
      manifest: FILE,
      inputs: base('plan', { 'drift-issue': 'true' }),
      env: onGitHub('schedule')
    })
    expect(result.failed).toBe(true)
    expect(result.failure).toContain(
      'Input `drift-issue` is `true`, but `mode` is `plan`: only `check` opens a drift issue'
    )
    expect(github!.seen).toEqual([])
    expect(emu.requests()).toEqual([])
  })
})
