// Runs src/main.ts in-process the way the runner would: INPUT_* variables, output and summary files, captured stdout.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { parseOutputs } from '../scripts/run-action.mjs'
import type { Transport } from '../src/http.js'
import { INPUT_DEFAULTS } from '../src/inputs.js'

export const API = 'https://api.test/v4'
export const SECRET = 'test_sk_Sup3rS3cretValue'

export interface ActionRun {
  stdout: string
  outputs: Record<string, string>
  summary: string
  failed: boolean
  /** The `::error::` message, unescaped. */
  failure: string
  sleeps: number[]
}

export const baseInputs = {
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  'secret-key': SECRET,
  'api-url': API
}

/** Inputs left out get their action.yml default, as the runner applies them. */
// core.summary remembers the first summary file it sees, so every run in one test file shares one file.
const summaryFile = join(mkdtempSync(join(tmpdir(), 'qia-summary-')), 'summary')

export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  transport?: Transport
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'qia-'))
  const outputFile = join(dir, 'output')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const saved = { ...process.env }
  for (const name of Object.keys(INPUT_DEFAULTS) as (keyof typeof INPUT_DEFAULTS)[]) {
    process.env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? INPUT_DEFAULTS[name]
  }
  process.env.GITHUB_OUTPUT = outputFile
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  let stdout = ''
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  })
  const sleeps: number[] = []
  try {
    const { run } = await import('../src/main.js')
    await run({
      sleep: (ms) => {
        sleeps.push(ms)
        return Promise.resolve()
      },
      random: () => 0.5,
      transport
    })
  } finally {
    write.mockRestore()
    process.env = saved
  }
  const failed = process.exitCode === 1
  process.exitCode = 0
  const failure = (/^::error::(.*)$/m.exec(stdout)?.[1] ?? '').replace(/%0A/g, '\n').replace(/%25/g, '%')
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'))
  rmSync(dir, { recursive: true, force: true })
  return { stdout, outputs, summary: readFileSync(summaryFile, 'utf8'), failed, failure, sleeps }
}

export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'integration',
    id: 'gNl6hyM6',
    url: '/v4/integrations/gNl6hyM6',
    title: 'Amplitude — iOS',
    integration: 'Amplitude',
    target_platform: 'iOS',
    active: 0,
    created_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:00Z',
    last_delivery_at: null,
    last_error_at: null,
    last_error_message: null,
    delivery_error_count: 0,
    ...overrides
  }
}
