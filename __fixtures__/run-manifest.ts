// Runs src/manifest-main.ts in-process the way the runner would: INPUT_* variables, a workspace holding the
// manifest file, output and summary files, captured stdout.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { jest } from '@jest/globals'
import { parseOutputs } from '../scripts/run-action.mjs'
import { MANIFEST_INPUT_DEFAULTS, type ManifestInputName } from '../src/config/manifest-inputs.js'
import type { RunOptions } from '../src/session.js'

export const API = 'https://api.test/v4'
export const SECRET = 'test_sk_Sup3rS3cretValue'
export const MANIFEST = '.github/qonversion-integrations.yml'

export const baseInputs = { 'secret-key': SECRET, 'api-url': API }

export interface ManifestRun {
  stdout: string
  outputs: Record<string, string>
  summary: string
  failed: boolean
  /** The `::error::` message, unescaped. */
  failure: string
  sleeps: number[]
}

// core.summary remembers the first summary file it sees, so every run in one test file shares one file.
const summaryFile = join(mkdtempSync(join(tmpdir(), 'qia-manifest-summary-')), 'summary')

/**
 * `files` are written into a fresh GITHUB_WORKSPACE (the manifest at MANIFEST unless `manifest` is undefined);
 * inputs left out get their manifest/action.yml default; `env` values override (undefined removes one).
 * Sleeps are recorded and take no time unless `options.sleep` is given.
 */
export async function runManifest(
  run: {
    inputs?: Record<string, string>
    manifest?: string
    files?: Record<string, string>
    env?: Record<string, string | undefined>
  },
  options: RunOptions = {}
): Promise<ManifestRun> {
  const workspace = mkdtempSync(join(tmpdir(), 'qia-manifest-'))
  const files = { ...(run.manifest === undefined ? {} : { [MANIFEST]: run.manifest }), ...run.files }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true })
    writeFileSync(join(workspace, name), text)
  }
  const outputFile = join(workspace, 'output')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputs: Record<string, string> = { ...baseInputs, ...run.inputs }
  const saved = { ...process.env }
  for (const name of Object.keys(MANIFEST_INPUT_DEFAULTS) as ManifestInputName[]) {
    process.env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? MANIFEST_INPUT_DEFAULTS[name]
  }
  process.env.GITHUB_WORKSPACE = workspace
  process.env.GITHUB_OUTPUT = outputFile
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  for (const [k, v] of Object.entries(run.env ?? {})) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v.replaceAll('$WORKSPACE', workspace)
  }
  let stdout = ''
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  })
  const sleeps: number[] = []
  try {
    const { runManifest: run } = await import('../src/manifest-main.js')
    await run({
      sleep: (ms) => {
        sleeps.push(ms)
        return Promise.resolve()
      },
      random: () => 0.5,
      ...options
    })
  } finally {
    write.mockRestore()
    process.env = saved
  }
  const failed = process.exitCode === 1
  process.exitCode = 0
  const failure = (/^::error::(.*)$/m.exec(stdout)?.[1] ?? '').replace(/%0A/g, '\n').replace(/%25/g, '%')
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'))
  rmSync(workspace, { recursive: true, force: true })
  return { stdout, outputs, summary: readFileSync(summaryFile, 'utf8'), failed, failure, sleeps }
}

/** An integration record as the API lists it; `integration` is the provider's display title. */
export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'integration',
    id: 'gNl6hyM6',
    url: '/v4/integrations/gNl6hyM6',
    title: 'Amplitude — iOS',
    integration: 'Amplitude',
    target_platform: 'iOS',
    active: 1,
    created_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:00Z',
    last_delivery_at: null,
    last_error_at: null,
    last_error_message: null,
    delivery_error_count: 0,
    ...overrides
  }
}
