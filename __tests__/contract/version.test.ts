// The version in the User-Agent and failure messages is the package's version.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { ACTION_VERSION, USER_AGENT } from '../../src/version.js'

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(ACTION_VERSION).toBe(pkg.version)
    expect(USER_AGENT).toBe(`qonversion-integration-action/${pkg.version}`)
  })
})
