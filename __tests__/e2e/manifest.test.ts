// End to end: the committed dist/manifest/index.js, spawned as the runner spawns it (manifest/action.yml's
// defaults, the file in the workspace), against the local Qonversion emulator.
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from '../../scripts/run-action.mjs'
import { NODE, NODE_NAME, SANDBOX, emulatorForFile, fastClock } from '../../__fixtures__/e2e.js'
import { startGitHub, type GitHubStandIn, type Handler } from '../../__fixtures__/github-stand-in.js'
import { startReviewGitHub } from '../../scripts/github-review-stand-in.mjs'

/** What a run sent, sorted: its reads go out side by side, so their order at the server is not theirs to keep. */
const reads = (requests: { method: string; path: string }[]): string[] =>
  requests.map((r) => `${r.method} ${r.path}`).sort()

const FILE = '.github/qonversion-integrations.yml'
const { emu, newRun, live, writes } = emulatorForFile(7000)

const manifest = (mode: string, file: string, inputs: Record<string, string> = {}) =>
  runAction({
    action: 'manifest',
    inputs: { mode, 'secret-key': SANDBOX, 'api-url': emu.apiUrl, ...inputs },
    files: { [FILE]: file },
    run: newRun(),
    node: NODE
  })

const THREE = [
  'integrations:',
  '  - title: Amplitude — iOS', //   2
  '    provider: amplitude',
  '    store: iOS',
  '  - title: AppsFlyer', //         5
  '    provider: appsflyer',
  '    store: Android',
  '    active: false',
  '  - title: Release webhook', //   9
  '    provider: webhooks',
  '    store: Stripe',
  ''
].join('\n')

const planOf = (outputs: Record<string, string>) => JSON.parse(outputs.plan) as Record<string, string>[]

describe(`dist/manifest/index.js on node ${NODE_NAME}`, () => {
  it('plan → apply → plan again → a record paused behind its back → check fails on the drift', async () => {
    const plan = await manifest('plan', THREE)
    expect(plan.code).toBe(0)
    expect(planOf(plan.outputs).map((r) => [r.title, r.action])).toEqual([
      ['Amplitude — iOS', 'create'],
      ['AppsFlyer', 'create'],
      ['Release webhook', 'create']
    ])
    expect(plan.outputs.drift).toBe('true')
    expect(plan.outputs.changes).toBe('3')
    expect(plan.summary).toContain(
      `| AppsFlyer <sub>${FILE}:5</sub> | \`appsflyer\` | Android | create (paused) | — | — |`
    )
    expect(plan.summary).toContain(
      `| Amplitude — iOS <sub>${FILE}:2</sub> | \`amplitude\` | iOS | create + activate | — | — |`
    )
    // The list and the catalog are asked for side by side, so they may arrive in either order.
    expect(reads(emu.requests())).toEqual(['GET /v4/integrations', 'GET /v4/integrations/meta'])

    const apply = await manifest('apply', THREE)
    expect(apply.code).toBe(0)
    expect(apply.outputs.changes).toBe('3')
    const stored = live()
    expect(stored.map((r) => [r.title, r.slug, r.target_platform, r.active])).toEqual([
      ['Amplitude — iOS', 'amplitude', 'iOS', 1],
      ['AppsFlyer', 'appsflyer', 'Android', 0],
      ['Release webhook', 'webhooks', 'Stripe', 1]
    ])
    const ids = Object.fromEntries(stored.map((r) => [`${r.title} (${r.target_platform})`, r.id]))
    expect(JSON.parse(apply.outputs.integrations)).toEqual(ids)
    const creates = writes().filter((r) => r.path === '/v4/integrations')
    expect(creates).toHaveLength(3)
    for (const create of creates) expect(create.headers['idempotency-key']).toMatch(/^qia-\d+-[0-9a-f]{32}$/)
    expect(apply.summary).toContain('### Qonversion integrations — apply: 3 change(s) made')

    const amplitude = stored[0]
    const seen = emu.requests().length
    const again = await manifest('plan', THREE)
    expect(again.code).toBe(0)
    expect(again.outputs.changes).toBe('0')
    expect(again.outputs.drift).toBe('false')
    expect(planOf(again.outputs).map((r) => r.action)).toEqual(['reuse', 'reuse', 'reuse'])
    expect(again.summary).toContain('### Qonversion integrations — plan: 0 change(s) planned')

    // Someone pauses it in the dashboard.
    emu.setDelivery({ id: amplitude.id, active: 0 })
    const check = await manifest('check', THREE)
    expect(check.code).toBe(1)
    expect(check.outputs.drift).toBe('true')
    expect(check.stdout).toContain(
      `::error::qonversion-integration-action/manifest: 1 integration(s) need attention:%0A  - ${FILE}:2 “Amplitude — iOS”: drift — \`apply\` would activate ${amplitude.id}.`
    )
    expect(check.stdout).toContain(
      `::error title=Qonversion manifest%3A drift,file=${FILE},line=2::The project differs from this entry: \`apply\` would activate ${amplitude.id}.`
    )
    // plan again and check made reads only.
    expect(reads(emu.requests().slice(seen))).toEqual([
      'GET /v4/integrations',
      'GET /v4/integrations',
      'GET /v4/integrations/meta',
      'GET /v4/integrations/meta'
    ])
    expect(live().find((r) => r.id === amplitude.id)?.active).toBe(0)
  })

  it('apply, then apply again in a new run: the second creates nothing', async () => {
    expect((await manifest('apply', THREE)).code).toBe(0)
    const before = emu.requests().length
    const again = await manifest('apply', THREE)
    expect(again.code).toBe(0)
    expect(again.outputs.changes).toBe('0')
    expect(reads(emu.requests().slice(before))).toEqual(['GET /v4/integrations', 'GET /v4/integrations/meta'])
    expect(live()).toHaveLength(3)
  })

  it('a conflict fails the step, and apply still carries out the other entries', async () => {
    const [other] = emu.seed([
      { title: 'AppsFlyer', integration: 'adjust', target_platform: 'Android', active: 1 }
    ])
    const result = await manifest('apply', THREE)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `${FILE}:5 “AppsFlyer”: “AppsFlyer” (appsflyer, Android): the project has an integration with this title and store but another provider:`
    )
    expect(result.stdout).toContain(`${other.id}: provider “Adjust”, store Android`)
    expect(planOf(result.outputs).map((r) => r.action)).toEqual(['create', 'conflict', 'create'])
    // The integration in the way is not given out as the entry's id.
    expect(Object.keys(JSON.parse(result.outputs.integrations) as object).sort()).toEqual([
      'Amplitude — iOS (iOS)',
      'Release webhook (Stripe)'
    ])
    expect(
      live()
        .map((r) => `${r.title} ${r.slug}`)
        .sort()
    ).toEqual(['Amplitude — iOS amplitude', 'AppsFlyer adjust', 'Release webhook webhooks'])
  })

  it('an invalid file fails with its line, before any request', async () => {
    const result = await manifest('plan', THREE.replace('    store: Android', '    stor: Android'))
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `::error::qonversion-integration-action/manifest: ${FILE}:7: \`integrations[1]\` has an unknown key \`stor\``
    )
    expect(result.stdout).toContain(
      `::error title=Qonversion manifest%3A invalid file,file=${FILE},line=7::\`integrations[1]\` has an unknown key \`stor\``
    )
    expect(emu.requests()).toEqual([])
  })

  it('a file outside the workspace (a `../` path, a committed link) is refused unread, before any request', () => {
    const root = mkdtempSync(join(tmpdir(), 'qia-outside-'))
    const workspace = join(root, 'repo')
    mkdirSync(join(workspace, '.github'), { recursive: true })
    // What a runner keeps beside the checkout; a YAML-shaped first line is what the file's checks would quote.
    const secret = 'npm_Zq8outsideSecretToken'
    writeFileSync(join(root, '.npmrc'), `//registry.npmjs.org/:_authToken=${secret}\nemail=ci@acme.test\n`)
    symlinkSync(join(root, '.npmrc'), join(workspace, FILE))
    const refused = (file: string) =>
      runAction({
        action: 'manifest',
        inputs: { mode: 'plan', 'secret-key': SANDBOX, 'api-url': emu.apiUrl, file },
        env: { GITHUB_WORKSPACE: workspace },
        run: newRun(),
        node: NODE
      })
    return Promise.all([refused('../.npmrc'), refused(FILE)])
      .then(([dotdot, link]) => {
        for (const result of [dotdot, link]) {
          expect(result.code).toBe(1)
          const seen = result.stdout + result.stderr + result.summary + JSON.stringify(result.outputs)
          for (const piece of [secret, 'authToken', 'registry.npmjs.org', 'ci@acme.test']) {
            expect(seen).not.toContain(piece)
          }
        }
        expect(dotdot.stdout).toContain(
          `::error::qonversion-integration-action/manifest: Input \`file\` is \`../.npmrc\`, read as ${join(root, '.npmrc')} ` +
            `(relative to GITHUB_WORKSPACE ${workspace}), which is outside the workspace;`
        )
        expect(link.stdout).toContain(
          `::error::qonversion-integration-action/manifest: Input \`file\` is \`${FILE}\`, read as ${join(workspace, FILE)} ` +
            `(relative to GITHUB_WORKSPACE ${workspace}), which through a symbolic link is ${join(realpathSync(root), '.npmrc')}, outside the workspace;`
        )
        expect(emu.requests()).toEqual([])
      })
      .finally(() => rmSync(root, { recursive: true, force: true }))
  })

  it('apply under a rate limit, next to dozens of records: every entry created exactly once', async () => {
    const STORES = ['iOS', 'Android', 'Stripe'] as const
    const PROVIDERS = [
      'amplitude',
      'mixpanel',
      'segment',
      'slack',
      'webhooks',
      'amazon_s3',
      'google_cloud_storage'
    ]
    emu.seed(
      Array.from({ length: 36 }, (_, i) => ({
        title: `Legacy ${i}`,
        integration: PROVIDERS[i % PROVIDERS.length],
        target_platform: STORES[i % STORES.length],
        active: i % 2 === 0 ? (0 as const) : (1 as const)
      }))
    )
    emu.configure({ rateLimit: 8, retryAfter: 1 })
    const entries = PROVIDERS.flatMap((provider) =>
      STORES.map(
        (store) => `  - {title: ${provider} ${store}, provider: ${provider}, store: ${store}, active: false}`
      )
    )
    const result = await manifest('apply', ['integrations:', ...entries, ''].join('\n'), {
      concurrency: '4',
      'max-attempts': '10'
    })

    expect(result.code).toBe(0)
    expect(result.outputs.changes).toBe('21')
    const log = emu.requests()
    expect(log.some((r) => r.status === 429)).toBe(true) // the limit was hit …
    const created = log.filter(
      (r) => r.method === 'POST' && r.path === '/v4/integrations' && r.status === 201
    )
    expect(created).toHaveLength(21) // … and still every entry was created once
    const made = live().filter((r) => !r.title.startsWith('Legacy '))
    expect(made.map((r) => r.title).sort()).toEqual(
      PROVIDERS.flatMap((p) => STORES.map((s) => `${p} ${s}`)).sort()
    )
    expect(live()).toHaveLength(36 + 21)
    // The 36 unmanaged records are reported, and left alone without prune.
    expect(planOf(result.outputs).filter((r) => r.source === 'unmanaged')).toHaveLength(36)
    expect(writes().every((r) => r.path === '/v4/integrations')).toBe(true)
  })

  it('a typo plans red with did-you-mean, a store the provider lacks names its stores, both annotated on their lines', async () => {
    const file = [
      'integrations:',
      '  - title: Events', //       2
      '    provider: mixpanl',
      '    store: iOS',
      '  - title: Search ads', //   5
      '    provider: searchads',
      '    store: Android',
      ''
    ].join('\n')
    const result = await manifest('plan', file)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `${FILE}:2 “Events”: \`mixpanl\` is not in Qonversion's provider catalog; did you mean \`mixpanel\`?`
    )
    expect(result.stdout).toContain(`${FILE}:5 “Search ads”: \`searchads\` supports only iOS, not Android.`)
    expect(result.stdout).toMatch(
      new RegExp(
        `::error title=Qonversion manifest%3A provider or store refused,file=${FILE.replace(/\./g, '\\.')},line=2::`
      )
    )
    expect(result.stdout).toMatch(
      new RegExp(
        `::error title=Qonversion manifest%3A provider or store refused,file=${FILE.replace(/\./g, '\\.')},line=5::`
      )
    )
    expect(planOf(result.outputs).map((r) => r.effect)).toEqual(['invalid', 'invalid'])
    expect(writes()).toEqual([])
  })

  it('expect-plan: passes on an unchanged project, refuses with the fresh rows when a record was activated after review', async () => {
    const [amplitude] = emu.seed([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 0 }
    ])
    const reviewed = await manifest('plan', THREE)
    expect(reviewed.code).toBe(0)
    const digest = reviewed.outputs['plan-digest']
    expect(digest).toMatch(/^[0-9a-f]{16}$/)
    expect(reviewed.summary).toContain(`Plan digest: \`${digest}\``)
    expect(planOf(reviewed.outputs)[0]).toMatchObject({ id: amplitude.id, effect: 'activate' })

    // Someone activates it in the dashboard after the review: the reviewed `activate` is now `none`.
    emu.setDelivery({ id: amplitude.id, active: 1 })
    const before = emu.requests().length
    const refused = await manifest('apply', THREE, { 'expect-plan': digest })
    expect(refused.code).toBe(1)
    expect(reads(emu.requests().slice(before))).toEqual(['GET /v4/integrations', 'GET /v4/integrations/meta'])
    expect(refused.stdout).toContain(
      `\`expect-plan\` is ${digest}, but the plan made now is ${refused.outputs['plan-digest']}`
    )
    expect(refused.stdout).toContain(`“Amplitude — iOS” (amplitude, iOS) ${amplitude.id}: none`)
    expect(refused.stdout).toContain('“AppsFlyer” (appsflyer, Android): create (paused)')
    expect(live()).toHaveLength(1)

    // Unchanged since its plan, an apply with that plan's digest goes through.
    const again = await manifest('plan', THREE)
    const applied = await manifest('apply', THREE, { 'expect-plan': again.outputs['plan-digest'] })
    expect(applied.code).toBe(0)
    expect(applied.outputs.changes).toBe('2')
    expect(live()).toHaveLength(3)
  })
})

describe(`dist/manifest/index.js on node ${NODE_NAME}: the pull-request comment`, () => {
  let github: GitHubStandIn | undefined
  afterEach(async () => {
    await github?.close()
    github = undefined
  })
  const HEAD = 'fedcba9876543210fedcba9876543210fedcba98'
  const ONE = ['integrations:', '  - {title: AppsFlyer, provider: appsflyer, store: Android}', ''].join('\n')

  async function planOnPullRequest(
    handler: Handler,
    inputs: Record<string, string> = {},
    nodeArgs: string[] = []
  ) {
    github = await startGitHub(handler)
    const event = join(mkdtempSync(join(tmpdir(), 'qia-event-')), 'event.json')
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: HEAD } } }))
    return runAction({
      action: 'manifest',
      inputs: {
        mode: 'plan',
        'secret-key': SANDBOX,
        'api-url': emu.apiUrl,
        'comment-on-pr': 'true',
        'github-token': 'ghs_e2eToken',
        ...inputs
      },
      files: { [FILE]: ONE },
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/app'
      },
      run: newRun(),
      node: NODE,
      nodeArgs
    })
  }

  it('posts the plan for its label and commit', async () => {
    const result = await planOnPullRequest(
      (request) =>
        request.path === '/graphql'
          ? { status: 403, body: { message: 'Resource not accessible by integration' } }
          : request.method === 'GET'
            ? { status: 200, body: [] }
            : { status: 201, body: { id: 9, html_url: 'https://github.com/acme/app/pull/7#issuecomment-9' } },
      { label: 'production' }
    )
    expect(result.code).toBe(0)
    expect(github!.lines()).toEqual([
      'POST /graphql',
      'GET /repos/acme/app/issues/7/comments?per_page=50',
      'POST /repos/acme/app/issues/7/comments'
    ])
    const body = (github!.seen[2].body as { body: string }).body
    expect(body).toContain('<!-- qonversion-integration-action:manifest label=production -->')
    expect(body).toContain('Commit `fedcba9` · planned ')
    expect(result.stdout).toContain(
      'Plan created as a comment: https://github.com/acme/app/pull/7#issuecomment-9'
    )
  })

  it('a GitHub that accepts the connection and never answers delays the step by at most 60 s: a warning, and the plan stands', async () => {
    // On a clock ten times fast: 60 s of the bundle's time (each attempt's 10 s timeout too) in about six.
    const result = await planOnPullRequest(() => 'hang', {}, fastClock(10))
    expect(result.ms).toBeLessThan(62_000)
    expect(result.code).toBe(0)
    expect(result.outputs.changes).toBe('1')
    expect(result.stdout).toMatch(
      /^::warning::Could not comment on the pull request: .*no answer within 10 s/m
    )
    expect(github!.seen.length).toBeLessThanOrEqual(3)
  }, 90_000)
})

describe(`dist/manifest/index.js on node ${NODE_NAME}: the review loop`, () => {
  const SHA = 'fedcba9876543210fedcba9876543210fedcba98'
  let github: Awaited<ReturnType<typeof startReviewGitHub>> | undefined
  afterEach(async () => {
    await github?.close()
    github = undefined
  })

  /** One run of the bundle on `event`, with GitHub the stand-in (started for the test if need be). */
  async function onGitHub(event: 'pull_request' | 'push' | 'schedule', inputs: Record<string, string>) {
    github ??= await startReviewGitHub({ owner: 'acme', repo: 'app', pullRequest: 7, mergedSha: SHA })
    const payload = join(mkdtempSync(join(tmpdir(), 'qia-event-')), 'event.json')
    writeFileSync(payload, JSON.stringify({ pull_request: { number: 7, head: { sha: SHA } } }))
    return runAction({
      action: 'manifest',
      inputs: { 'secret-key': SANDBOX, 'api-url': emu.apiUrl, 'github-token': 'ghs_e2eToken', ...inputs },
      files: { [FILE]: THREE },
      env: {
        GITHUB_EVENT_NAME: event,
        GITHUB_EVENT_PATH: payload,
        GITHUB_SHA: SHA,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/app'
      },
      run: newRun(),
      node: NODE
    })
  }

  it('expect-plan: pull-request applies the digest found through the commit’s pull request, and refuses with the changed rows after a change', async () => {
    const [amplitude] = emu.seed([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 0 }
    ])
    const planned = await onGitHub('pull_request', { mode: 'plan', 'comment-on-pr': 'true' })
    expect(planned.code).toBe(0)
    expect(github!.comments[0].body).toContain(`Plan digest: \`${planned.outputs['plan-digest']}\``)

    // Someone activates it after the review: the merge's apply refuses, reading only, and names the row.
    emu.setDelivery({ id: amplitude.id, active: 1 })
    const before = emu.requests().length
    const refused = await onGitHub('push', { mode: 'apply', 'expect-plan': 'pull-request' })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(
      `Changed since the review:%0A  - “Amplitude — iOS” (amplitude, iOS): reviewed activate ${amplitude.id}; now none ${amplitude.id}%0A`
    )
    expect(
      emu
        .requests()
        .slice(before)
        .map((r) => r.method)
    ).toEqual(['GET', 'GET'])
    expect(github!.lines().slice(-3)).toEqual([
      `GET /repos/acme/app/commits/${SHA}/pulls`,
      'POST /graphql',
      'GET /repos/acme/app/issues/7/comments?per_page=50'
    ])

    // The plan re-run on the pull request updates its comment; the apply then goes through.
    expect((await onGitHub('pull_request', { mode: 'plan', 'comment-on-pr': 'true' })).code).toBe(0)
    const applied = await onGitHub('push', { mode: 'apply', 'expect-plan': 'pull-request' })
    expect(applied.code).toBe(0)
    expect(applied.stdout).toContain('from the plan comment of pull request #7')
    expect(applied.outputs.changes).toBe('2')
    expect(live()).toHaveLength(3)
  })

  it('check with drift-issue: opens the issue, updates it, closes it when the check passes', async () => {
    emu.seed([
      { title: 'Amplitude — iOS', integration: 'amplitude', target_platform: 'iOS', active: 1 },
      { title: 'AppsFlyer', integration: 'appsflyer', target_platform: 'Android', active: 0 }
    ])
    const check = () => onGitHub('schedule', { mode: 'check', 'drift-issue': 'true' })
    const first = await check()
    expect(first.code).toBe(1)
    expect(first.stdout).toContain('Drift issue opened: https://github.com/acme/app/issues/101')
    expect(github!.issues[0].body).toContain('“Release webhook”')
    expect(github!.issues[0].title).toBe(`Qonversion integrations drift: ${FILE}`)
    const second = await check()
    expect(second.code).toBe(1)
    expect(second.stdout).toContain('Drift issue updated: https://github.com/acme/app/issues/101')

    expect((await onGitHub('push', { mode: 'apply' })).code).toBe(0)
    const passed = await check()
    expect(passed.code).toBe(0)
    expect(passed.stdout).toContain('Drift issue closed: https://github.com/acme/app/issues/101')
    expect(github!.issues.map((i) => i.state)).toEqual(['closed'])
  })
})
