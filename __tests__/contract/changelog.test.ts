// Keeps CHANGELOG.md's [Unreleased] true: every input and output either action has that v1.0.0 did not have is named
// there, so a new input cannot ship without a line for its users.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

/** The public contract of the last release, v1.0.0 (action.yml only; the manifest action came later). */
const RELEASED = {
  inputs: [
    'title',
    'provider',
    'store',
    'secret-key',
    'activate',
    'if-exists',
    'idempotency-key',
    'api-url',
    'max-attempts',
    'timeout-seconds',
    'dry-run'
  ],
  outputs: [
    'integration-id',
    'status',
    'status-label',
    'url',
    'provider-title',
    'created-at',
    'created',
    'idempotency-key'
  ]
}

const changelog = readFileSync('CHANGELOG.md', 'utf8')
const unreleased = /## \[Unreleased\]\n([\s\S]*?)\n## \[/.exec(changelog)?.[1] ?? ''

function namesOf(file: string): { inputs: string[]; outputs: string[] } {
  const action = parse(readFileSync(file, 'utf8')) as { inputs?: object; outputs?: object }
  return { inputs: Object.keys(action.inputs ?? {}), outputs: Object.keys(action.outputs ?? {}) }
}

describe('CHANGELOG [Unreleased]', () => {
  it('is not empty while the contract differs from the last release', () => {
    expect(unreleased.trim()).not.toBe('')
  })

  it.each(['action.yml', 'manifest/action.yml'])(
    'names every input and output of %s that v1.0.0 did not have',
    (file) => {
      const { inputs, outputs } = namesOf(file)
      // An input both actions take (secret-key, api-url …) means the same in each: released once is released.
      const isNew = (kind: 'inputs' | 'outputs') => (name: string) => !RELEASED[kind].includes(name)
      const missing = [...inputs.filter(isNew('inputs')), ...outputs.filter(isNew('outputs'))].filter(
        (name) => !unreleased.includes(`\`${name}\``)
      )
      expect(missing).toEqual([])
    }
  )

  it('names the manifest action itself', () => {
    expect(unreleased).toContain('manifest/action.yml')
  })
})

describe('README Quick start', () => {
  it('runs on every tag, so it reuses the integration an earlier release made', () => {
    const readme = readFileSync('README.md', 'utf8')
    const quickStart = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''
    expect(quickStart).toMatch(/tags: \['v\*'\]/)
    expect(quickStart).toMatch(/^\s+if-exists: reuse$/m)
  })
})
