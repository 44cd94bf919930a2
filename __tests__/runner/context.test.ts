// The runner's environment read once into the typed context both actions run on: run identity, re-run, workspace,
// proxy variables, and GitHub's facts (the pull request and its head from the event payload).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { pullRequestOf, readContext } from '../../src/runner/context.js'

describe('readContext', () => {
  it('reads the run, the re-run, the workspace, the proxy variables and GitHub’s facts', () => {
    const context = readContext(
      {
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_WORKSPACE: '/w',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_SHA: 'abc',
        GITHUB_API_URL: 'https://ghe.test/api/v3',
        HTTPS_PROXY: 'http://proxy:3128',
        no_proxy: 'localhost',
        INPUT_TITLE: 'not a proxy variable'
      },
      '/cwd'
    )
    expect(context).toEqual({
      run: { runId: '42', repository: 'acme/app' },
      rerun: true,
      workspace: '/w',
      proxyEnv: { HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost' },
      github: {
        eventName: 'push',
        sha: 'abc',
        owner: 'acme',
        repo: 'app',
        runUrl: 'https://github.com/acme/app/actions/runs/42',
        apiUrl: 'https://ghe.test/api/v3',
        graphqlUrl: undefined,
        pullRequest: undefined
      }
    })
  })

  it('outside a runner: the current directory, a first attempt, no run page', () => {
    const context = readContext({}, '/cwd')
    expect(context.workspace).toBe('/cwd')
    expect(context.rerun).toBe(false)
    expect(context.github.runUrl).toBeUndefined()
    expect(context.github.owner).toBe('')
  })
})

describe('pullRequestOf', () => {
  const event = (payload: unknown): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'qia-event-')), 'event.json')
    writeFileSync(file, JSON.stringify(payload))
    return file
  }
  const SHA = '0123456789abcdef0123456789abcdef01234567'

  it('takes the head’s short SHA from the payload, not GITHUB_SHA (a merge commit on pull_request)', () => {
    const path = event({
      pull_request: { number: 7, head: { sha: 'fedcba9876543210fedcba9876543210fedcba98' } }
    })
    expect(
      pullRequestOf({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path, GITHUB_SHA: SHA })
    ).toEqual({
      number: 7,
      commit: 'fedcba9'
    })
  })

  it('falls back to GITHUB_SHA, and is undefined outside a pull request', () => {
    const path = event({ pull_request: { number: 7 } })
    expect(
      pullRequestOf({ GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: path, GITHUB_SHA: SHA })
    ).toEqual({
      number: 7,
      commit: '0123456'
    })
    expect(pullRequestOf({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: path })).toBeUndefined()
  })
})

describe('the event payload', () => {
  it('is read only when the pull request is asked for, and once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qia-lazy-event-'))
    const path = join(dir, 'event.json')
    const context = readContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: path }, '/cwd')
    // Written after the context was made: a context that read it at once would have found no file.
    writeFileSync(path, JSON.stringify({ pull_request: { number: 3, head: { sha: 'abcdef0123456' } } }))
    expect(context.github.pullRequest).toEqual({ number: 3, commit: 'abcdef0' })
    writeFileSync(path, JSON.stringify({ pull_request: { number: 4 } }))
    expect(context.github.pullRequest).toEqual({ number: 3, commit: 'abcdef0' })
  })
})
