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

/** The run's cancellation as an error, when the signal has come. */
export function cancellation(signal: AbortSignal | undefined): Cancelled | undefined {
  if (!signal?.aborted) return undefined
  return signal.reason instanceof Cancelled ? signal.reason : new Cancelled('cancelled')
}

/** Re-running after a cancellation: the same run id gives the same keys, so a create the API did make is replayed. */
export const RERUN_IS_SAFE =
  'Re-running this workflow run is safe: it sends the same idempotency keys, so nothing is created twice.'

/** The job summary's line for a cancelled run (Markdown). */
export function cancelledLine(cancelled: Cancelled): string {
  const what = cancelled.message.replace(/^c/, 'C')
  return (
    `**${what}**: no request was started after it and the one in flight was ended; what was done before it is ` +
    `below. ${RERUN_IS_SAFE}`
  )
}

/** `work`, or undefined as soon as the run is cancelled (for work that cannot be aborted, such as the PR comment). */
export function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return work
  if (signal.aborted) return Promise.resolve(undefined)
  return Promise.race([
    work,
    new Promise<undefined>((resolve) =>
      signal.addEventListener('abort', () => resolve(undefined), { once: true })
    )
  ])
}

/**
 * A sleep that ends early, with the cancellation, when the run is cancelled — so no wait (a backoff, a Retry-After,
 * the health gate) keeps a cancelled step alive.
 */
export function cancellableSleep(
  sleep: (ms: number) => Promise<void>,
  signal: AbortSignal | undefined
): (ms: number) => Promise<void> {
  if (!signal) return sleep
  return (ms) =>
    new Promise<void>((resolve, reject) => {
      const stop = (): void => reject(cancellation(signal)!)
      if (signal.aborted) return stop()
      signal.addEventListener('abort', stop, { once: true })
      sleep(ms).then(
        () => {
          signal.removeEventListener('abort', stop)
          resolve()
        },
        (error: unknown) => {
          signal.removeEventListener('abort', stop)
          reject(signal.aborted ? cancellation(signal)! : (error as Error))
        }
      )
    })
}
