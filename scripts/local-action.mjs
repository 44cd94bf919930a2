// `npm run local-action [-- [manifest] [env-file] [name=value ...]]`: builds one action from src/ with ncc into a
// temporary folder and runs it as the runner would (scripts/run-action.mjs), inputs from .env and the command line;
// prints log, outputs, summary. `manifest` picks the manifest action (manifest/action.yml) instead of the single one.
// @ts-check
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { parse } from 'yaml'
import { ENTRIES, nccBuild } from './bundle.mjs'
import { ROOT, inputVariable, runAction, runnerLog } from './run-action.mjs'

const USAGE = `Usage: npm run local-action [-- [manifest] [env-file] [input=value ...]]
  manifest       run the manifest action (manifest/action.yml) instead of the single-integration one
  env-file       inputs as INPUT_<NAME> and run variables such as GITHUB_RUN_ID (default .env; see .env.example)
  input=value    an input by its action.yml name, over the env file's: title='Amplitude iOS' dry-run=true,
                 or for the manifest: file=my-integrations.yml mode=apply`

/** The two actions of the repository: the folder of each action.yml and the entry point its bundle is built from. */
const ACTIONS = {
  single: { dir: '.', entry: ENTRIES[0].entry },
  manifest: { dir: 'manifest', entry: ENTRIES[1].entry }
}
/** @param {string} dir @returns {{ inputs: Record<string, { default?: string }> }} */
const contractOf = (dir) => parse(readFileSync(join(ROOT, dir, 'action.yml'), 'utf8'))

/**
 * Splits the command line and the env file into the action's inputs and the other environment variables. One env
 * file serves both actions: an INPUT_ variable only the other action has is left out.
 * @param {string[]} argv
 */
function readArguments(argv) {
  /** @type {'single' | 'manifest'} */
  const which = argv[0] === 'manifest' ? 'manifest' : 'single'
  if (which === 'manifest') argv = argv.slice(1)
  const ACTION = contractOf(ACTIONS[which].dir)
  const OTHER = contractOf(ACTIONS[which === 'manifest' ? 'single' : 'manifest'].dir)
  const otherVariables = new Set(Object.keys(OTHER.inputs).map(inputVariable))
  const files = argv.filter((arg) => !arg.includes('='))
  if (files.length > 1) throw new Error(`one env file at most, got ${files.join(', ')}`)
  const envFile = files[0] ?? '.env'
  if (!existsSync(join(ROOT, envFile)) && !existsSync(envFile)) {
    throw new Error(
      `${envFile} not found. Copy .env.example to .env and set INPUT_SECRET-KEY ` +
        '(the emulator accepts test_sk_emulator: start it with `npm run emulator`).'
    )
  }
  const text = readFileSync(existsSync(envFile) ? envFile : join(ROOT, envFile), 'utf8')
  /** @type {Record<string, string>} */
  const inputs = {}
  /** @type {Record<string, string>} */
  const env = {}
  const byVariable = new Map(Object.keys(ACTION.inputs).map((name) => [inputVariable(name), name]))
  for (const [variable, value] of Object.entries(parseEnv(text))) {
    const name = byVariable.get(variable.toUpperCase())
    if (name) inputs[name] = value ?? ''
    else if (otherVariables.has(variable.toUpperCase())) continue
    else if (variable.startsWith('INPUT_'))
      throw new Error(`${envFile}: action.yml has no input for ${variable}`)
    else env[variable] = value ?? ''
  }
  for (const arg of argv.filter((a) => a.includes('='))) {
    const [name, ...rest] = arg.split('=')
    if (!(name in ACTION.inputs))
      throw new Error(`${ACTIONS[which].dir}/action.yml has no input named ${name}`)
    inputs[name] = rest.join('=')
  }
  return { which, envFile, inputs, env }
}

/**
 * The manifest file, copied into the run's workspace (the runner's GITHUB_WORKSPACE is a fresh folder), so the
 * action reads it by the same relative path as on a runner.
 * @param {string} file the `file` input, relative to the repository root
 * @returns {Record<string, string>}
 */
function workspaceFiles(file) {
  const path = join(ROOT, file)
  if (!existsSync(path)) throw new Error(`the manifest file ${file} does not exist (set file=… or create it)`)
  return { [file]: readFileSync(path, 'utf8') }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
}

const out = mkdtempSync(join(tmpdir(), 'qia-local-'))
try {
  const { which, envFile, inputs, env } = readArguments(process.argv.slice(2))
  const { dir, entry } = ACTIONS[which]
  const file = inputs.file ?? contractOf(dir).inputs.file?.default ?? ''
  const files = which === 'manifest' ? workspaceFiles(file) : {}
  // Not minified: a fast build whose stack traces name the real functions.
  nccBuild(entry, out, [], { quiet: true })
  const run = { id: env.GITHUB_RUN_ID || '1', attempt: env.GITHUB_RUN_ATTEMPT || '1' }
  console.log(
    `▶ ${entry} (built into ${out}) with inputs from ${envFile}, run ${run.id} attempt ${run.attempt}\n`
  )
  // With step debug on, the runner sets RUNNER_DEBUG=1 (what @actions/core reads) and shows ::debug:: lines.
  const debug = env.ACTIONS_STEP_DEBUG === 'true' || env.RUNNER_DEBUG === '1'
  if (debug) env.RUNNER_DEBUG = '1'
  const result = await runAction({ inputs, run, env, action: dir, files, script: join(out, 'index.js') })
  for (const line of runnerLog(result.stdout, { debug })) console.log(line)
  if (result.stderr.trim()) console.error(result.stderr.trimEnd())
  console.log('\nOutputs:')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name}=${value}`)
  if (result.summary) console.log(`\nJob summary:\n${result.summary}`)
  console.log(`\nExit code ${result.code} after ${Math.round(result.ms)} ms.`)
  process.exitCode = result.code ?? 1
} catch (error) {
  console.error(`local-action: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`)
  process.exitCode = 2
} finally {
  rmSync(out, { recursive: true, force: true })
}
