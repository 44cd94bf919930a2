// End to end: both bundles cancelled as the runner cancels a job (SIGINT mid-run), and run with runner files they
// cannot write. The emulator is slowed so the signal lands while requests are in flight.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { ChildProcess } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../scripts/run-action.mjs'
import { NODE, NODE_NAME, SANDBOX, emulatorForFile } from '../../__fixtures__/e2e.js'

const { emu, newRun, live, inputs } = emulatorForFile(9000)
const FILE = '.github/qonversion-integrations.yml'
const THREE = [
  'integrations:',
  '  - title: Amplitude — iOS',
  '    provider: amplitude',
  '    store: iOS',
  '  - title: AppsFlyer',
  '    provider: appsflyer',
  '    store: Android',
  '    active: false',
  '  - title: Release webhook',
  '    provider: webhooks',
  '    store: Stripe',
  ''
].join('\n')

const creates = () => emu.requests().filter((r) => r.method === 'POST' && r.path === '/v4/integrations')

/** Sends SIGINT once `ready()` holds (polled); `signalledAt` is when it went. */
function interruptWhen(ready: () => boolean) {
  const state = { signalledAt: 0 }
  const onSpawn = (child: ChildProcess) => {
    const timer = setInterval(() => {
      if (!ready()) return
      clearInterval(timer)
      state.signalledAt = performance.now()
      child.kill('SIGINT')
    }, 10)
    child.on('close', () => clearInterval(timer))
  }
  return { state, onSpawn }
}

/** A path the action cannot write to, even as root: a directory. */
const directory = () => mkdtempSync(join(tmpdir(), 'qia-unwritable-'))

describe(`cancelled bundles on node ${NODE_NAME}`, () => {
  it('dist/index.js: SIGINT during the activation writes the created record and exits non-zero within 5 s', async () => {
    emu.configure({ latencyMs: 700 })
    const run = newRun()
    const { state, onSpawn } = interruptWhen(() => emu.requests().some((r) => r.path.endsWith('/status')))
    const result = await runAction({ inputs: inputs({ activate: 'true' }), run, node: NODE, onSpawn })
    const exitedAfter = performance.now() - state.signalledAt
    expect(state.signalledAt).toBeGreaterThan(0)
    expect(result.code).not.toBe(0)
    expect(exitedAfter).toBeLessThan(5000)
    const [stored] = live()
    expect(result.outputs['integration-id']).toBe(stored.id)
    expect(result.outputs.created).toBe('true')
    expect(result.outputs['idempotency-key']).toBe(creates()[0].headers['idempotency-key'])
    expect(result.summary).toMatch(/^\*\*Cancelled by SIGINT\*\*: no request was started after it/m)
    expect(result.summary).toContain(`<code>${stored.id}</code>`)
    expect(result.stdout).toMatch(
      new RegExp(
        `::error::qonversion-integration-action: cancelled by SIGINT — integration ${stored.id} created \\(paused\\), activation cancelled\\.`
      )
    )
    expect(result.stderr).toBe('')

    emu.configure({ latencyMs: 0 })
    const again = await runAction({
      inputs: inputs({ activate: 'true' }),
      run: { ...run, attempt: '2' },
      node: NODE
    })
    expect(again.code).toBe(0)
    expect(again.outputs['integration-id']).toBe(stored.id)
    expect(live()).toHaveLength(1)
    expect(live()[0].active).toBe(1)
  })

  it('dist/index.js: SIGINT while the create is in flight — the re-run gets the record the API made, not a second', async () => {
    emu.configure({ latencyMs: 1500 })
    const run = newRun()
    const { state, onSpawn } = interruptWhen(() => creates().length > 0)
    const result = await runAction({ inputs: inputs(), run, node: NODE, onSpawn })
    expect(result.code).not.toBe(0)
    expect(performance.now() - state.signalledAt).toBeLessThan(5000)
    expect(result.outputs).toEqual({ 'idempotency-key': creates()[0].headers['idempotency-key'] })
    expect(result.summary).toContain('Cancelled by SIGINT')
    expect(result.stdout).toMatch(
      /::error::.*cancelled by SIGINT before a final answer came, so whether it was carried out is unknown/
    )

    emu.configure({ latencyMs: 0 })
    // The emulator, like a real server, finished the create after the client left.
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect(live()).toHaveLength(1)
    const again = await runAction({ inputs: inputs(), run: { ...run, attempt: '2' }, node: NODE })
    expect(again.code).toBe(0)
    expect(again.outputs['integration-id']).toBe(live()[0].id)
    expect(live()).toHaveLength(1)
    expect(creates().map((r) => r.headers['idempotency-key'])).toEqual([
      result.outputs['idempotency-key'],
      result.outputs['idempotency-key']
    ])
  })

  it('dist/manifest/index.js: SIGINT mid-apply keeps what was done, starts nothing new, and a re-run completes it', async () => {
    emu.configure({ latencyMs: 600 })
    const run = newRun()
    const manifest = (attempt: string, onSpawn?: (child: ChildProcess) => void) =>
      runAction({
        action: 'manifest',
        inputs: { mode: 'apply', concurrency: '1', 'secret-key': SANDBOX, 'api-url': emu.apiUrl },
        files: { [FILE]: THREE },
        run: { ...run, attempt },
        node: NODE,
        onSpawn
      })
    const { state, onSpawn } = interruptWhen(() => creates().length >= 2)
    const result = await manifest('1', onSpawn)
    expect(result.code).not.toBe(0)
    expect(performance.now() - state.signalledAt).toBeLessThan(5000)
    const first = live().find((r) => r.title === 'Amplitude — iOS')!
    expect(JSON.parse(result.outputs.integrations)).toEqual({ 'Amplitude — iOS (iOS)': first.id })
    expect(result.outputs.changes).toBe('1')
    const rows = JSON.parse(result.outputs.plan) as Record<string, string>[]
    expect(rows.map((r) => r.result)).toEqual([
      'created and set active',
      'interrupted (cancelled)',
      'not started (cancelled)'
    ])
    expect(result.summary).toMatch(/^\*\*Cancelled by SIGINT\*\*: no request was started after it/m)
    expect(result.stdout).toMatch(
      /::error::qonversion-integration-action\/manifest: cancelled by SIGINT — 1 change\(s\) made, 2 entries not finished/
    )
    // Nothing was sent for the third entry.
    expect(creates().map((r) => (r.body as { title: string }).title)).toEqual([
      'Amplitude — iOS',
      'AppsFlyer'
    ])

    emu.configure({ latencyMs: 0 })
    await new Promise((resolve) => setTimeout(resolve, 700))
    const again = await manifest('2')
    expect(again.code).toBe(0)
    expect(
      live()
        .map((r) => r.title)
        .sort()
    ).toEqual(['AppsFlyer', 'Amplitude — iOS', 'Release webhook'].sort())
    expect(JSON.parse(again.outputs.integrations)['Amplitude — iOS (iOS)']).toBe(first.id)
  })
})

describe(`runner files that cannot be written, on node ${NODE_NAME}`, () => {
  const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m)

  it('dist/index.js: an unwritable summary is a warning and the create stands', async () => {
    const result = await runAction({
      inputs: inputs(),
      run: newRun(),
      node: NODE,
      env: { GITHUB_STEP_SUMMARY: directory() }
    })
    expect(result.code).toBe(0)
    expect(result.outputs['integration-id']).toBe(live()[0].id)
    expect(result.stdout).toMatch(
      /^::warning::The job summary could not be written to GITHUB_STEP_SUMMARY \(/m
    )
    expect(result.stdout).not.toContain('::error::')
    noStack(result.stdout + result.stderr)
  })

  it('dist/index.js: an unwritable output file fails with one error line that says so', async () => {
    const dir = directory()
    const result = await runAction({
      inputs: inputs(),
      run: newRun(),
      node: NODE,
      env: { GITHUB_OUTPUT: dir }
    })
    expect(result.code).toBe(1)
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`the step's outputs could not be written to GITHUB_OUTPUT (${dir})`)
    expect(result.stderr).toBe('')
    noStack(result.stdout)
  })

  it('dist/manifest/index.js: the same for both files', async () => {
    const manifest = (env: Record<string, string>) =>
      runAction({
        action: 'manifest',
        inputs: { mode: 'apply', 'secret-key': SANDBOX, 'api-url': emu.apiUrl },
        files: { [FILE]: THREE },
        run: newRun(),
        node: NODE,
        env
      })
    const summaryless = await manifest({ GITHUB_STEP_SUMMARY: directory() })
    expect(summaryless.code).toBe(0)
    expect(summaryless.outputs.changes).toBe('3')
    expect(summaryless.stdout).toMatch(
      /^::warning::The job summary could not be written to GITHUB_STEP_SUMMARY/m
    )
    noStack(summaryless.stdout + summaryless.stderr)

    const outputless = await manifest({ GITHUB_OUTPUT: directory() })
    expect(outputless.code).toBe(1)
    const errors = outputless.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain("the step's outputs could not be written to GITHUB_OUTPUT")
    expect(outputless.summary).toContain('could not be written to GITHUB_OUTPUT')
    expect(outputless.stderr).toBe('')
    noStack(outputless.stdout)
  })
})
