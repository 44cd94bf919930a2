// Step outputs as the runner takes them: server text exactly as sent, within GitHub's size limit for one output.
import * as core from '@actions/core'
import { fitOutput } from './output-limit.js'

/** Sets one output as given, or cut with a note (and a warning) when it is over GitHub's limit for one output. */
export function setOutput(name: string, value: string): void {
  const fitted = fitOutput(value)
  if (fitted.cut) core.warning(`Output \`${name}\` is over GitHub's limit of 1 MB per output, so it was cut.`)
  core.setOutput(name, fitted.value)
}
