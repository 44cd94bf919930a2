// Job cancellation: the runner sends SIGINT, SIGTERM 7.5 s later and kills the tree 2.5 s after that, then reads the
// output and summary files. The signal becomes an AbortSignal the whole run listens to, so it can stop cleanly.
import { Cancelled } from '../domain/errors.js'

/** The process exits this long after the signal even if something still holds it: well inside the runner's 10 s. */
export const EXIT_WITHIN_MS = 4_000

type Signals = Pick<NodeJS.Process, 'on' | 'exit'>

/**
 * Aborts the returned signal on the first SIGINT or SIGTERM (its reason a Cancelled naming the signal). Listening
 * replaces Node's default of exiting at once, which would leave empty outputs and summary behind; the timer is a
 * backstop for anything that ignores the abort, and does not keep a finished process alive.
 */
export function cancelOnSignals(proc: Signals = process, exitWithinMs = EXIT_WITHIN_MS): AbortSignal {
  const controller = new AbortController()
  const cancel = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    controller.abort(new Cancelled(`cancelled by ${name}`))
    setTimeout(() => proc.exit(1), exitWithinMs).unref()
  }
  // Kept for the whole run: a second signal (the SIGTERM that follows) must not end the process before the record
  // is written.
  for (const name of ['SIGINT', 'SIGTERM'] as const) proc.on(name, () => cancel(name))
  return controller.signal
}
