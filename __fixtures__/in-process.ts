// Runs one of the actions' flows in-process the way the runner would — INPUT_* variables with the action.yml
// defaults, a workspace, output and summary files, captured stdout — for run-action.ts and run-manifest.ts. The
// environment is built for the run and handed to the runner boundary (useRunnerIo); process.env is never changed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseOutputs } from '../scripts/run-action.mjs'
import type { RunOptions } from '../src/pipeline/session.js'
import { useRunnerIo } from '../src/runner/commands.js'

export const API = 'https://api.test/v4'
export const SECRET = 'test_sk_Sup3rS3cretValue'

export interface InProcessRun {
  stdout: string
  outputs: Record<string, string>
  summary: string
  failed: boolean
  /** The `::error::` message, unescaped. */
  failure: string
  sleeps: number[]
}

/**
 * Inputs left out get their default from `defaults`; `files` are written into a fresh GITHUB_WORKSPACE; `env`
 * values override the environment (undefined removes one; `$WORKSPACE` in a value is the workspace's path).
 * Sleeps are recorded and take no time (the clock moves by them alone), randomness is fixed, unless `options` says otherwise.
 */
export async function runInProcess(
  setup: {
    defaults: Readonly<Record<string, string>>
    inputs: Record<string, string>
    env?: Record<string, string | undefined>
    files?: Record<string, string>
    /** How the workspace's temporary folder is named (`qia-manifest-` …), for messages that show its path. */
    prefix?: string
  },
  start: (options: RunOptions) => Promise<void>,
  options: RunOptions = {}
): Promise<InProcessRun> {
  const workspace = mkdtempSync(join(tmpdir(), setup.prefix ?? 'qia-'))
  for (const [name, text] of Object.entries(setup.files ?? {})) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true })
    writeFileSync(join(workspace, name), text)
  }
  const outputFile = join(workspace, 'output')
  const summaryFile = join(workspace, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  // The run variables every test run starts from (__fixtures__/setup-env.ts), then this run's own.
  const env: Record<string, string | undefined> = { ...process.env }
  for (const [name, fallback] of Object.entries(setup.defaults)) {
    env[`INPUT_${name.toUpperCase()}`] = setup.inputs[name] ?? fallback
  }
  env.GITHUB_WORKSPACE = workspace
  env.GITHUB_OUTPUT = outputFile
  env.GITHUB_STEP_SUMMARY = summaryFile
  for (const [k, v] of Object.entries(setup.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v.replaceAll('$WORKSPACE', workspace)
  }
  let stdout = ''
  useRunnerIo({ env, write: (text) => void (stdout += text) })
  const sleeps: number[] = []
  // A clock that only sleeping moves (from the real time at the start), so waits computed from it are exact.
  const startedAt = Date.now()
  let slept = 0
  try {
    await start({
      sleep: (ms) => {
        sleeps.push(ms)
        slept += ms
        return Promise.resolve()
      },
      now: () => startedAt + slept,
      random: () => 0.5,
      ...options
    })
  } finally {
    useRunnerIo()
  }
  const failed = process.exitCode === 1
  process.exitCode = 0
  const failure = (/^::error::(.*)$/m.exec(stdout)?.[1] ?? '').replace(/%0A/g, '\n').replace(/%25/g, '%')
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'))
  const summary = readFileSync(summaryFile, 'utf8')
  rmSync(workspace, { recursive: true, force: true })
  return { stdout, outputs, summary, failed, failure, sleeps }
}
