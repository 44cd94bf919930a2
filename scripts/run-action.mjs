// Runs the committed dist/index.js exactly as GitHub's runner does: INPUT_* variables with action.yml defaults,
// GITHUB_* run variables, and output/summary files. Shared by the end-to-end tests, the demo and the benchmark.
// @ts-check
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
/**
 * An action's contract: its inputs with their defaults, and the bundle its `runs.main` names.
 * @param {string} [dir] the folder of the action.yml, relative to the repository (`manifest`), the top level by default
 * @returns {{ inputs: Record<string, { default?: string }>, main: string }}
 */
export function actionAt(dir = '.') {
  const folder = join(ROOT, dir)
  const action = parse(readFileSync(join(folder, 'action.yml'), 'utf8'))
  return { inputs: action.inputs, main: join(folder, action.runs.main) }
}
const ACTION = actionAt()

/**
 * @typedef {object} ActionResult
 * @property {number | null} code exit code of the process
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms wall time from spawn to exit
 * @property {Record<string, string>} outputs
 * @property {string} summary
 */

/**
 * The environment variable the runner sets for an input: upper-cased, spaces to `_`, hyphens kept.
 * @param {string} name
 */
export function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Inputs as the runner passes them: the step's `with:` values, and every input left out at its default.
 * @param {Record<string, string>} withValues
 * @param {{ inputs: Record<string, { default?: string }> }} [action]
 */
export function runnerInputs(withValues, action = ACTION) {
  /** @type {Record<string, string>} */
  const env = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    const value = withValues[name] ?? spec.default
    if (value !== undefined) env[inputVariable(name)] = String(value)
  }
  for (const name of Object.keys(withValues)) {
    if (!(name in action.inputs)) throw new Error(`action.yml has no input named ${name}`)
  }
  return env
}

/**
 * Parses `name<<DELIMITER\nvalue\nDELIMITER` records from a GITHUB_OUTPUT file.
 * @param {string} text
 */
export function parseOutputs(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]] = match[3]
  return outputs
}

/**
 * Spawns `node dist/index.js` (or another build of the action, `script`) and resolves with its exit code, stdout,
 * stderr, outputs and job summary. `run` sets GITHUB_RUN_ID/GITHUB_RUN_ATTEMPT (a re-run keeps the id and bumps
 * the attempt).
 * `action` picks another action of the repository (`manifest`): its inputs' defaults and its bundle; `files`
 * are written into the workspace first (the manifest file, an event payload). `onSpawn` gets the child process
 * (to signal it, as the runner does when a job is cancelled). `nodeArgs` go to node before the script (a test's
 * `--import` preload).
 * @param {{ inputs: Record<string, string>, run?: { id: string, attempt: string },
 *   env?: Record<string, string | undefined>, node?: string, nodeArgs?: string[], script?: string, action?: string,
 *   files?: Record<string, string>, onSpawn?: (child: import('node:child_process').ChildProcess) => void }} options
 * @returns {Promise<ActionResult>}
 */
export function runAction({
  inputs,
  run = { id: '1001', attempt: '1' },
  env = {},
  node = process.execPath,
  nodeArgs = [],
  action = '.',
  script = actionAt(action).main,
  files = {},
  onSpawn
}) {
  const dir = mkdtempSync(join(tmpdir(), 'qia-run-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  /** @type {Record<string, string | undefined>} */
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    // Windows: without SystemRoot a process cannot open sockets; TEMP/TMP are where its temporary files go.
    SystemRoot: process.env.SystemRoot,
    TEMP: process.env.TEMP,
    TMP: process.env.TMP,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: run.id,
    GITHUB_RUN_ATTEMPT: run.attempt,
    GITHUB_RUN_NUMBER: '7',
    GITHUB_REPOSITORY: 'acme/mobile-app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_WORKFLOW: 'release',
    GITHUB_JOB: 'integrations',
    GITHUB_ACTION: 'qonversion',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/tags/v2.4.0',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: dir,
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...runnerInputs(inputs, actionAt(action)),
    ...env
  }
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name]
  return spawnTimed(node, [...nodeArgs, script], childEnv, onSpawn).then((run) => {
    const outputs = parseOutputs(readFileSync(outputFile, 'utf8'))
    const summary = readFileSync(summaryFile, 'utf8')
    rmSync(dir, { recursive: true, force: true })
    return { ...run, outputs, summary }
  })
}

/**
 * The action's stdout as the runner's log shows it: `::debug::` lines only with step debug on, and the values
 * given to `::add-mask::` hidden (the runner consumes those commands and masks the values).
 * @param {string} stdout
 * @param {{ debug?: boolean }} [options]
 * @returns {string[]}
 */
export function runnerLog(stdout, { debug = false } = {}) {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line !== '' && (debug || !line.startsWith('::debug::')))
    .map((line) => line.replace(/^::add-mask::.*$/, '::add-mask::***'))
}

/**
 * Spawns a Node process and times it from just before spawn to 'close' — the one clock the action and the
 * benchmark's floor are both measured with.
 * @param {string} node
 * @param {string[]} args
 * @param {Record<string, string | undefined>} env
 * @param {(child: import('node:child_process').ChildProcess) => void} [onSpawn]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, ms: number }>}
 */
export function spawnTimed(node, args, env, onSpawn) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }))
    onSpawn?.(child)
  })
}
