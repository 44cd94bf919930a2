// `npm run local-action [-- env-file]`: runs src/main.ts on this machine with @github/local-action, inputs from .env.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEnv, stripVTControlCharacters } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const envFile = process.argv[2] ?? '.env'

if (!existsSync(join(root, envFile))) {
  console.error(
    `local-action: ${envFile} not found. Copy .env.example to .env and set INPUT_SECRET-KEY ` +
      '(the emulator accepts test_sk_emulator: start it with `npm run emulator`).'
  )
  process.exit(2)
}

// local-action's job-summary stub throws when GITHUB_STEP_SUMMARY is unset or the file is missing,
// which would fail the action; give it a file unless .env names one.
const fromEnvFile = parseEnv(readFileSync(join(root, envFile), 'utf8')).GITHUB_STEP_SUMMARY
const summaryFile = fromEnvFile || join(mkdtempSync(join(tmpdir(), 'local-action-')), 'summary.md')
if (!existsSync(summaryFile)) writeFileSync(summaryFile, '')

const bin = join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js')
const child = spawn(process.execPath, [bin, '.', 'src/main.ts', envFile], {
  cwd: root,
  env: {
    ...process.env,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {})
  },
  stdio: ['inherit', 'pipe', 'inherit']
})

// local-action exits 0 even when the action calls setFailed; its stub prints `::error::` instead.
let output = ''
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  output += String(chunk)
})

child.on('close', (code) => {
  const summary = readFileSync(summaryFile, 'utf8')
  if (summary) console.log(`\nJob summary (${summaryFile}):\n${summary}`)
  const failed = /^::error::/m.test(stripVTControlCharacters(output))
  process.exitCode = code || (failed ? 1 : 0)
})
