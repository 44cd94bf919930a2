// Runner files that cannot be written (issue 15 item 12): outputs fail with one message naming GITHUB_OUTPUT, a summary
// is a warning; both keep the underlying reason and never surface as a crash.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../../src/runner/commands.js'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ExpectedFailure } from '../../src/domain/errors.js'
import { writeOutputsOrFail, writeSummaryOrWarn } from '../../src/runner/files.js'

// The runner's environment for each test, built here rather than written into process.env.
const env: Record<string, string | undefined> = {}
beforeEach(() => core.useRunnerIo({ env, write: () => undefined }))
afterEach(() => {
  core.useRunnerIo()
  delete env.GITHUB_OUTPUT
  delete env.GITHUB_STEP_SUMMARY
})

describe('runner files', () => {
  it('outputs that cannot be written become one expected failure naming GITHUB_OUTPUT, with the cause kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qia-out-'))
    env.GITHUB_OUTPUT = dir
    let caught: unknown
    try {
      writeOutputsOrFail(() => core.setOutput('integration-id', 'abc'))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ExpectedFailure)
    const failure = caught as ExpectedFailure
    expect(failure.message).toMatch(
      new RegExp(`^the step's outputs could not be written to GITHUB_OUTPUT \\(${dir}\\): EISDIR`)
    )
    expect(String(failure.cause)).toContain('EISDIR')
  })

  it('a summary that cannot be written is a warning, not a failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qia-sum-'))
    env.GITHUB_STEP_SUMMARY = dir
    const warnings: string[] = []
    expect(() =>
      writeSummaryOrWarn(
        () => new core.Summary().addRaw('x').write(),
        (l) => warnings.push(l)
      )
    ).not.toThrow()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      new RegExp(
        `^The job summary could not be written to GITHUB_STEP_SUMMARY \\(${dir}\\): .+\\. The step's result stands`
      )
    )
  })
})
