// Cancellation below the runner: the AbortSignal the whole run listens to (runner/signals.ts aborts it on SIGINT or
// SIGTERM) as an error, as a wait that ends early, and in the words the log and summary use.
import { Cancelled } from '../domain/errors.js'

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
