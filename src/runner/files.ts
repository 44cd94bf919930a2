// The step's two runner files: outputs that cannot be written fail the step with one clear error (later steps would
// read nothing), a summary that cannot be written is only a warning (the step's own result stands).
import { ExpectedFailure } from '../domain/errors.js'
import { runnerEnv } from './commands.js'

/** The error's own words, without an `Error: ` in front. */
const reasonOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/^Error: /, '')

/** Runs `write` (the outputs); a failure becomes one error naming GITHUB_OUTPUT, never a stack trace. */
export function writeOutputsOrFail(write: () => void): void {
  try {
    write()
  } catch (error) {
    throw new ExpectedFailure(
      `the step's outputs could not be written to GITHUB_OUTPUT (${runnerEnv().GITHUB_OUTPUT ?? 'not set'}): ` +
        `${reasonOf(error)}. Later steps get no outputs from this one; what it did is in the log above.`,
      { cause: error }
    )
  }
}

/** Runs `write` (the job summary); a failure is a warning naming GITHUB_STEP_SUMMARY. */
export function writeSummaryOrWarn(write: () => void, warning: (line: string) => void): void {
  try {
    write()
  } catch (error) {
    warning(
      `The job summary could not be written to GITHUB_STEP_SUMMARY (${runnerEnv().GITHUB_STEP_SUMMARY}): ` +
        `${reasonOf(error)}. The step's result stands; the log has the same facts.`
    )
  }
}
