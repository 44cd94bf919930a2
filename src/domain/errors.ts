// Failure kinds the action can end with; each carries a message written for the person reading the log, its data
// from construction, and the error it wraps as its standard `cause`.

/** What every failure may carry besides its message: the error it wraps, and the HTTP attempts spent on it. */
export interface FailureOptions {
  cause?: unknown
  /** HTTP attempts spent before this failure, for the job summary's count. */
  attempts?: number
}

/**
 * The user's or the API's doing, not a bug: the message is the whole story, no stack trace needed. The kinds below
 * add only their name and their data; the bundle is minified, so each names itself rather than trust its class name.
 */
export class ExpectedFailure extends Error {
  readonly attempts: number

  constructor(message: string, { cause, attempts = 0 }: FailureOptions = {}) {
    super(message, cause === undefined ? undefined : { cause })
    this.attempts = attempts
  }
}

/** One or more inputs are unusable; nothing was sent. */
export class InputError extends ExpectedFailure {
  override readonly name = 'InputError'

  /** @param what the thing that needs fixing, in the plural heading of several problems (`inputs`, or a file's name) */
  constructor(
    readonly problems: string[],
    what = 'inputs need fixing',
    options?: FailureOptions
  ) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      options
    )
  }
}

export interface ApiErrorDetail {
  field: string
  message: string
}

/** What the API said with its error status: the status, and the JSON error's code, message and details if any. */
export interface ApiErrorData {
  status: number
  code: string | undefined
  apiMessage: string | undefined
  details: ApiErrorDetail[]
}

/** The API answered with an HTTP error status. */
export class ApiError extends ExpectedFailure {
  override readonly name = 'ApiError'
  readonly status: number
  readonly code: string | undefined
  readonly apiMessage: string | undefined
  readonly details: ApiErrorDetail[]

  constructor(message: string, data: ApiErrorData, options?: FailureOptions) {
    super(message, options)
    this.status = data.status
    this.code = data.code
    this.apiMessage = data.apiMessage
    this.details = data.details
  }
}

/** No usable answer after every attempt: the network failed, attempts timed out, or the API kept asking to wait. */
export class NetworkError extends ExpectedFailure {
  override readonly name = 'NetworkError'
  /** What to check when it is not the API host itself (the proxy, named by its variable). */
  readonly hint: string | undefined

  constructor(message: string, options?: FailureOptions & { hint?: string }) {
    super(message, options)
    this.hint = options?.hint
  }
}

/** A success status whose body is not what the API documents. */
export class UnexpectedResponseError extends ExpectedFailure {
  override readonly name = 'UnexpectedResponseError'
}

/** A precondition found while planning (for example an existing integration with `if-exists: fail`). */
export class ConflictError extends ExpectedFailure {
  override readonly name = 'ConflictError'
}

/**
 * The API answered with another integration than the one asked for: a create (or its idempotent replay) for
 * another title, store or provider, or a status change for another id. The answer is never used as the entry's.
 */
export class WrongRecordError extends ExpectedFailure {
  override readonly name = 'WrongRecordError'
}

/** The integration exists but is not in the health that `require` demands. */
export class HealthError extends ExpectedFailure {
  override readonly name = 'HealthError'
}

/** A request would have had to wait past the time it was given (`notAfter`) to be sent again, so it was not. */
export class DeadlineReached extends ExpectedFailure {
  override readonly name = 'DeadlineReached'
}

/** The job was cancelled (SIGINT or SIGTERM from the runner): nothing new is started, what was done is reported. */
export class Cancelled extends ExpectedFailure {
  override readonly name = 'Cancelled'
}
