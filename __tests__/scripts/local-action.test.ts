// `npm run local-action -- manifest`: builds the manifest action from src/ and runs it as the runner would, against
// the emulator, with the file input copied into the run's workspace and one .env serving both actions.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { start } from '../../emulator/server.js'
import { ROOT } from '../../scripts/run-action.mjs'

let emulator: Awaited<ReturnType<typeof start>>
let envFile: string
beforeAll(async () => {
  emulator = await start({ port: 0 })
  envFile = join(mkdtempSync(join(tmpdir(), 'qia-local-env-')), 'local.env')
  writeFileSync(
    envFile,
    [
      'INPUT_TITLE=only the single action has this input',
      'INPUT_SECRET-KEY=test_sk_emulator',
      `INPUT_API-URL=${emulator.apiUrl}`,
      'INPUT_FILE=examples/qonversion-integrations.yml',
      'INPUT_MODE=plan',
      'GITHUB_RUN_ID=77'
    ].join('\n')
  )
})
afterAll(async () => {
  await emulator.close()
})

describe('npm run local-action -- manifest', () => {
  it('plans the example file from src/ against the emulator, skipping the single action’s inputs', async () => {
    // spawnSync would block the emulator in this process: run the script asynchronously and wait for it.
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['scripts/local-action.mjs', 'manifest', envFile], { cwd: ROOT })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      child.on('close', (code: number | null) => resolve({ code, stdout, stderr }))
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('▶ src/manifest.ts')
    expect(result.stdout).toMatch(
      /create \+ activate +“Amplitude — iOS” \(amplitude, iOS\) — examples\/qonversion-integrations\.yml:4/
    )
    expect(result.stdout).toMatch(/create \(paused\) +“AppsFlyer — Android”/)
    expect(result.stdout).toMatch(/plan-digest=[0-9a-f]{16}/)
    // A plan only reads: the list and the catalog, asked for side by side (so in either order).
    const sent = emulator.requests().map((r: { method: string; path: string }) => `${r.method} ${r.path}`)
    expect(sent.sort()).toEqual(['GET /v4/integrations', 'GET /v4/integrations/meta'])
  })

  it('names an input the chosen action does not have', () => {
    const run = spawnSync(process.execPath, ['scripts/local-action.mjs', 'manifest', envFile, 'titel=x'], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('local-action: manifest/action.yml has no input named titel')
  })
})
