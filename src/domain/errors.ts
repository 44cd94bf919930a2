// Failure kinds the action can end with; each carries a message written for the person reading the log.

/** The user's or the API's doing, not a bug: the message is the whole story, no stack trace needed. */
export class ExpectedFailure extends Error {
  /** HTTP attempts spent before this failure, for the job summary's count. */
  attempts = 0
}

/** One or more inputs are unusable; nothing was sent. */
export class InputError extends ExpectedFailure {
  /** @param what the thing that needs fixing, in the plural heading of several problems (`inputs`, or a file's name) */
  constructor(
    readonly problems: string[],
    what = 'inputs need fixing',
    options?: ErrorOptions
  ) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} ${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      options
    )
    this.name = 'InputError'
  }
}

export interface ApiErrorDetail {
  field: string
  message: string
}

/** The API answered with an HTTP error status. */
export class ApiError extends ExpectedFailure {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly apiMessage: string | undefined,
    readonly details: ApiErrorDetail[],
    message: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** No usable answer after every attempt: the network failed, attempts timed out, or the API kept asking to wait. */
export class NetworkError extends ExpectedFailure {
  constructor(
    message: string,
    /** What to check when it is not the API host itself (the proxy, named by its variable). */
    readonly hint?: string
  ) {
    super(message)
    this.name = 'NetworkError'
  }
}

/** A success status whose body is not what the API documents. */
export class UnexpectedResponseError extends ExpectedFailure {
  constructor(message: string) {
    super(message)
    this.name = 'UnexpectedResponseError'
  }
}

/** A precondition found while planning (for example an existing integration with `if-exists: fail`). */
export class ConflictError extends ExpectedFailure {
  constructor(message: string) {
    super(message)
    this.name = 'ConflictError'
  }
}

/**
 * The API answered with another integration than the one asked for: a create (or its idempotent replay) for
 * another title, store or provider, or a status change for another id. The answer is never used as the entry's.
 */
export class WrongRecordError extends ExpectedFailure {
  constructor(message: string) {
    super(message)
    this.name = 'WrongRecordError'
  }
}

/** The integration exists but is not in the health that `require` demands. */
export class HealthError extends ExpectedFailure {
  constructor(message: string) {
    super(message)
    this.name = 'HealthError'
  }
}

/** A request would have had to wait past the time it was given (`notAfter`) to be sent again, so it was not. */
export class DeadlineReached extends ExpectedFailure {
  constructor(message: string) {
    super(message)
    this.name = 'DeadlineReached'
  }
}

/** The job was cancelled (SIGINT or SIGTERM from the runner): nothing new is started, what was done is reported. */
export class Cancelled extends ExpectedFailure {
  constructor(message: string) {
    super(message)
    this.name = 'Cancelled'
  }
}
