// The shared end of a failed run: one message for the person, a bug's stack under step debug only, one error line.
import { afterEach, describe, expect, it } from '@jest/globals'
import { ExpectedFailure, InputError } from '../../src/domain/errors.js'
import { useRunnerIo } from '../../src/runner/commands.js'
import { failStep, failureMessage } from '../../src/runner/finish.js'
import type { RedactingLog } from '../../src/runner/log.js'

const logOf = () => {
  const debug: string[] = []
  const log: RedactingLog = {
    info: () => undefined,
    warning: () => undefined,
    debug: (line) => void debug.push(line),
    mask: () => undefined,
    redact: (text) => text.replaceAll('sk_secret', '***')
  }
  return { log, debug }
}

afterEach(() => {
  useRunnerIo()
  process.exitCode = undefined
})

describe('failureMessage', () => {
  it('an expected failure is its message, redacted, with nothing under debug', () => {
    const { log, debug } = logOf()
    expect(failureMessage(new ExpectedFailure('key sk_secret refused'), log)).toBe('key *** refused')
    expect(failureMessage(new InputError(['`store` is bad']), log)).toContain('`store` is bad')
    expect(debug).toEqual([])
  })

  it('a bug keeps its stack under step debug for whoever reports it', () => {
    const { log, debug } = logOf()
    const bug = new TypeError('x is undefined')
    expect(failureMessage(bug, log)).toBe('x is undefined')
    expect(debug).toEqual([bug.stack])
    expect(failureMessage('thrown text', log)).toBe('thrown text')
  })

  it('a cancelled run gives its own account instead of the error the cancellation caused', () => {
    const { log } = logOf()
    expect(failureMessage(new ExpectedFailure('aborted'), log, () => 'cancelled by SIGINT — sk_secret')).toBe(
      'cancelled by SIGINT — ***'
    )
  })
})

describe('failStep', () => {
  it('writes one error line starting with the action’s name and fails the step', () => {
    const out: string[] = []
    useRunnerIo({ env: {}, write: (text) => void out.push(text) })
    failStep('qonversion-integration-action', 'it broke: sk_secret\nsecond line', logOf().log)
    expect(out).toEqual(['::error::qonversion-integration-action: it broke: ***%0Asecond line\n'])
    expect(process.exitCode).toBe(1)
  })
})
