// The log every line of the run goes through: the secret is masked in the runner and scrubbed from every line.
import * as core from '@actions/core'
import { scrubUrlCredentials } from '../net/url-credentials.js'

export interface RedactingLog {
  info: (line: string) => void
  warning: (line: string) => void
  debug: (line: string) => void
  /** Masks a secret in the runner's log and scrubs it from every later line. */
  mask: (secret: string) => void
  redact: (text: string) => string
}

/**
 * The runner masks the key once told; text is scrubbed here too, so the key never reaches a log even where
 * masking does not apply (a local run, a log copied elsewhere). A password in any URL is scrubbed as well.
 */
export function redactingLog(): RedactingLog {
  const secrets: string[] = []
  const redact = (text: string): string =>
    scrubUrlCredentials(secrets.reduce((t, s) => t.split(s).join('***'), text))
  return {
    info: (line) => core.info(redact(line)),
    warning: (line) => core.warning(redact(line)),
    debug: (line) => core.debug(redact(line)),
    mask: (secret) => {
      core.setSecret(secret)
      secrets.push(secret)
    },
    redact
  }
}
