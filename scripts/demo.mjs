// `npm run demo`: the committed actions against the local Qonversion emulator — a create and its re-run, the release
// gate passing on a delivering integration and stopping on a suspended one, and the manifest's review loop.
// @ts-check
import { start } from '../emulator/server.js'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startReviewGitHub } from './github-review-stand-in.mjs'
import { runAction, runnerLog } from './run-action.mjs'

/** @param {string} title */
const rule = (title) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 68 - title.length))}`)

/**
 * The job summary is HTML for GitHub's page; in a terminal a plain two-column table reads better.
 * @param {string} html
 */
function summaryAsText(html) {
  const heading = /<h3>(.*?)<\/h3>/.exec(html)?.[1] ?? ''
  const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((cell) =>
      cell[1].replace(/<[^>]+>/g, '').replace(/&amp;/g, '&')
    )
  )
  const width = Math.max(...rows.map((r) => r[0].length))
  return [heading, ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join('\n')
}

/** @param {import('./run-action.mjs').ActionResult} result */
function show(result) {
  rule('action log')
  const lines = runnerLog(result.stdout)
  for (const line of lines) console.log(line)
  const hidden = runnerLog(result.stdout, { debug: true }).length - lines.length
  if (hidden > 0)
    console.log(
      `(${hidden} step-debug line${hidden === 1 ? '' : 's'} hidden, as GitHub hides them unless step debug is on)`
    )
  rule('outputs')
  for (const [name, value] of Object.entries(result.outputs)) {
    if (name !== 'integration') console.log(`${name}=${value}`)
  }
  rule('job summary')
  console.log(summaryAsText(result.summary))
}

/** @param {import("./run-action.mjs").ActionResult} result */
const logOf = (result) =>
  runnerLog(result.stdout)
    .filter((l) => !l.startsWith('::add-mask::'))
    .map((l) => l.replace(/%0A/g, '\n    ').replace(/%25/g, '%'))

/**
 * The release gate: one run that waits until the new integration delivers, one stopped by a suspended one.
 * @param {Record<string, string>} base
 */
async function gateDemo(base) {
  rule('gate: require delivering, wait-seconds 30')
  emulator.scenario({ kind: 'deliver', afterMs: 2000, match: { title: 'Mixpanel — Android' } })
  console.log('The emulator delivers a first event 2 s after the integration is activated.')
  const pass = await runAction({
    inputs: {
      ...base,
      title: 'Mixpanel — Android',
      provider: 'mixpanel',
      store: 'Android',
      activate: 'true',
      require: 'delivering',
      'wait-seconds': '30'
    },
    run: { id: '9002', attempt: '1' }
  })
  for (const line of logOf(pass)) console.log(line)
  console.log(
    `exit ${pass.code}; health=${pass.outputs.health}, last-delivery-at=${pass.outputs['last-delivery-at']}`
  )
  if (pass.code !== 0 || pass.outputs.health !== 'healthy')
    throw new Error('the gate did not pass on a delivering integration')

  rule('gate: a suspended integration stops the release')
  const [suspended] = emulator.seed([
    {
      title: 'AppsFlyer — iOS',
      integration: 'appsflyer',
      target_platform: 'iOS',
      active: 2,
      last_error_at: '2026-11-29T22:14:00Z',
      last_error_message: 'Invalid dev key',
      delivery_error_count: 12
    }
  ])
  const stop = await runAction({
    inputs: {
      ...base,
      title: 'AppsFlyer — iOS',
      provider: 'appsflyer',
      store: 'iOS',
      'if-exists': 'reuse',
      require: 'healthy'
    },
    run: { id: '9003', attempt: '1' }
  })
  for (const line of logOf(stop)) console.log(line)
  console.log(
    `exit ${stop.code}; outputs still set: integration-id=${stop.outputs['integration-id']}, health=${stop.outputs.health}`
  )
  if (stop.code !== 1 || stop.outputs['integration-id'] !== suspended.id)
    throw new Error('the gate did not stop on a suspended integration')
}

/**
 * The manifest's review loop: the plan commented on a pull request (with its digest), the merge's apply insisting on
 * that plan, drift behind the file's back, and the nightly check opening an issue. GitHub is a local stand-in.
 */
async function reviewLoopDemo() {
  const file = [
    'integrations:',
    '  - {title: Amplitude — iOS, provider: amplitude, store: iOS}',
    '  - {title: Webhooks, provider: webhooks, store: Stripe, active: false}',
    ''
  ].join('\n')
  const sha = 'c0ffee1234567890c0ffee1234567890c0ffee12'
  const github = await startReviewGitHub({
    owner: 'acme',
    repo: 'mobile-app',
    pullRequest: 12,
    mergedSha: sha
  })
  const eventDir = mkdtempSync(join(tmpdir(), 'qia-demo-'))
  const payload = join(eventDir, 'event.json')
  writeFileSync(payload, JSON.stringify({ pull_request: { number: 12, head: { sha } } }))
  console.log(
    `\nGitHub here is a LOCAL STAND-IN on ${github.url} (pull request #12, merged as ${sha.slice(0, 7)}); ` +
      `nothing is sent to github.com.\n.github/qonversion-integrations.yml:\n${file}`
  )
  let run = 9010
  /** @param {string} title @param {string} event @param {Record<string, string>} inputs */
  const manifest = async (title, event, inputs) => {
    rule(title)
    const result = await runAction({
      action: 'manifest',
      inputs: {
        'secret-key': 'test_sk_emulator',
        'api-url': emulator.apiUrl,
        'github-token': 'ghs_demo',
        ...inputs
      },
      files: { '.github/qonversion-integrations.yml': file },
      env: {
        GITHUB_EVENT_NAME: event,
        GITHUB_EVENT_PATH: payload,
        GITHUB_SHA: sha,
        GITHUB_API_URL: github.url
      },
      run: { id: String(run++), attempt: '1' }
    })
    for (const line of logOf(result)) console.log(line)
    console.log(`exit ${result.code}; changes=${result.outputs.changes}, drift=${result.outputs.drift}`)
    return result
  }
  try {
    const planned = await manifest('pull_request: mode plan, comment-on-pr', 'pull_request', {
      mode: 'plan',
      'comment-on-pr': 'true'
    })
    const digest = planned.outputs['plan-digest']
    console.log(
      `→ the comment on #12 shows: ${/^Plan digest: .*$/m.exec(github.comments[0]?.body ?? '')?.[0]}`
    )
    const applied = await manifest('push to main: mode apply, expect-plan: pull-request', 'push', {
      mode: 'apply',
      'expect-plan': 'pull-request'
    })
    if (applied.code !== 0 || applied.outputs['plan-digest'] !== digest)
      throw new Error('apply did not apply the reviewed plan')

    const ids = JSON.parse(applied.outputs.integrations)
    console.log('\nSomeone pauses “Amplitude — iOS” in the dashboard…')
    emulator.setDelivery({ id: ids['Amplitude — iOS (iOS)'], active: 0 })
    const checked = await manifest('schedule: mode check, drift-issue', 'schedule', {
      mode: 'check',
      'drift-issue': 'true'
    })
    const issue = github.issues[0]
    if (checked.code !== 1 || !issue) throw new Error('check did not open the drift issue')
    console.log(`→ issue #${issue.number} “${issue.title}” (on the stand-in):`)
    console.log(
      issue.body
        .split('\n')
        .filter((l) => l.startsWith('The scheduled') || l.startsWith('| Amplitude'))
        .map((l) => `    ${l}`)
        .join('\n')
    )
    console.log('\n✔ reviewed plan applied as reviewed; drift reached a person as one issue.')
  } finally {
    await github.close()
    rmSync(eventDir, { recursive: true, force: true })
  }
}

const emulator = await start({ port: 0 })
try {
  console.log(`Qonversion emulator on ${emulator.apiUrl} (sandbox key test_sk_emulator)`)
  const inputs = {
    title: 'Amplitude — iOS release pipeline',
    provider: 'amplitude',
    store: 'iOS',
    'secret-key': 'test_sk_emulator',
    'api-url': emulator.apiUrl
  }
  const run = { id: '9001', attempt: '1' }

  console.log('\n▶ Run 9001, attempt 1: node dist/index.js')
  const first = await runAction({ inputs, run })
  show(first)
  if (first.code !== 0) throw new Error(`the action failed (exit ${first.code}); see its log above`)

  console.log('\n▶ Run 9001, attempt 2 (a re-run of the same workflow run): node dist/index.js')
  const again = await runAction({ inputs, run: { ...run, attempt: '2' } })
  show(again)
  if (again.code !== 0) throw new Error(`the re-run failed (exit ${again.code})`)

  const records = emulator.records('sandbox')
  rule('result')
  const same = again.outputs['integration-id'] === first.outputs['integration-id']
  console.log(
    `${same ? '✔' : '✘'} the re-run returned the same integration ${first.outputs['integration-id']}; ` +
      `the emulator holds ${records.length} record${records.length === 1 ? '' : 's'}.`
  )
  if (!same || records.length !== 1) throw new Error('the re-run did not return the first record')

  await gateDemo(inputs)
  await reviewLoopDemo()
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await emulator.close()
}
