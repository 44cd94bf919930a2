// `npm run demo`: the committed action against the local Qonversion emulator — a create, then a re-run of the same run.
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
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await emulator.close()
}
