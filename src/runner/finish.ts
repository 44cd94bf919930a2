// How a run ends when it fails, the same for both actions: a bug's stack goes to step debug only, the person reading
// the log gets one message (a cancelled run's own account instead of the error it caused), and one `::error` line.
import { ExpectedFailure } from '../domain/errors.js'
import * as core from './commands.js'
import type { RedactingLog } from './log.js'

/**
 * The failure's message, redacted, for the job summary and the error line. An error that is not an ExpectedFailure
 * is a bug of ours, not the user's: its stack is kept under step debug for whoever reports it. `cancelled` is the
 * run's account of a cancellation, used in place of the error the cancellation caused.
 */
export function failureMessage(error: unknown, log: RedactingLog, cancelled?: () => string): string {
  if (!(error instanceof ExpectedFailure))
    log.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
  return log.redact(cancelled ? cancelled() : error instanceof Error ? error.message : String(error))
}

/** The step's one error line, starting with the action's name, and its failing exit code. */
export function failStep(action: string, message: string, log: RedactingLog): void {
  core.setFailed(log.redact(`${action}: ${message}`))
}
