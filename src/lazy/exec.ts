// Bundle stand-in for @actions/exec (tsconfig.json `paths`; CONTRIBUTING.md, "A light start"): @actions/core's
// platform details import it at module top, so it and @actions/io load only if those details are ever asked for.
import type * as Real from '../../node_modules/@actions/exec/lib/exec.js'

/** The one function @actions/core calls, loading the real module on its first call. */
export async function getExecOutput(
  ...args: Parameters<typeof Real.getExecOutput>
): ReturnType<typeof Real.getExecOutput> {
  const exec = await import('../../node_modules/@actions/exec/lib/exec.js')
  return exec.getExecOutput(...args)
}
