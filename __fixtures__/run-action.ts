// Runs src/single/run.ts in-process the way the runner would (see in-process.ts), with the top-level action's inputs.
import type { Transport } from '../src/net/retry.js'
import { INPUT_DEFAULTS } from '../src/single/inputs.js'
import { API, SECRET, runInProcess, type InProcessRun } from './in-process.js'
import { record } from './records.js'

export { API, SECRET, record }
export type ActionRun = InProcessRun

export const baseInputs = {
  title: 'Amplitude — iOS',
  provider: 'amplitude',
  store: 'iOS',
  'secret-key': SECRET,
  'api-url': API
}

/** Inputs left out get their action.yml default, as the runner applies them. */
export function runAction(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {},
  transport?: Transport
): Promise<ActionRun> {
  return runInProcess({ defaults: INPUT_DEFAULTS, inputs, env }, async (options) => {
    const { run } = await import('../src/single/run.js')
    await run({ ...options, transport })
  })
}
