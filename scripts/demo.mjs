// `npm run demo`: the committed actions against the local Qonversion emulator — a create and its re-run, the release
// gate passing on a delivering integration and stopping on a suspended one, and the manifest's plan/apply/check.
// @ts-check
import { start } from '../emulator/server.js'
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

/** Integrations as code: plan shows creates, apply makes them, plan again is empty, drift is caught by check. */
async function manifestDemo() {
  const file = [
    'integrations:',
    '  - title: Amplitude — iOS',
    '    provider: amplitude',
    '    store: iOS',
    '  - title: Amplitude — Android',
    '    provider: amplitude',
    '    store: Android',
    '  - title: Webhooks',
    '    provider: webhooks',
    '    store: Stripe',
    '    active: false',
    ''
  ].join('\n')
  const files = { '.github/qonversion-integrations.yml': file }
  console.log(`\n.github/qonversion-integrations.yml:\n${file}`)
  /** @param {string} mode @param {string} id */
  const manifest = async (mode, id) => {
    rule(`manifest: mode ${mode}`)
    const result = await runAction({
      action: 'manifest',
      inputs: { mode, 'secret-key': 'test_sk_emulator', 'api-url': emulator.apiUrl },
      files,
      run: { id, attempt: '1' }
    })
    for (const line of logOf(result)) console.log(line)
    console.log(`exit ${result.code}; changes=${result.outputs.changes}, drift=${result.outputs.drift}`)
    return result
  }
  const planned = await manifest('plan', '9010')
  const applied = await manifest('apply', '9011')
  const again = await manifest('plan', '9012')
  if (planned.outputs.changes !== '3' || applied.code !== 0 || again.outputs.changes !== '0') {
    throw new Error('plan → apply → plan did not converge')
  }
  const ids = JSON.parse(applied.outputs.integrations)
  console.log('\nSomeone pauses “Amplitude — Android” in the dashboard…')
  emulator.setDelivery({ id: ids['Amplitude — Android (Android)'], active: 0 })
  const checked = await manifest('check', '9013')
  if (checked.code !== 1 || checked.outputs.drift !== 'true') throw new Error('check did not catch the drift')
  console.log('\n✔ check failed on the drift, as a scheduled workflow would.')
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
  await manifestDemo()
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await emulator.close()
}
