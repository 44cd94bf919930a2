// What the bundles load at start: ncc lists every package it bundled in licenses.txt; each action holds only the
// packages it needs (CONTRIBUTING.md, "A light start") — no @actions/core with its HTTP client, undici and exec.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../scripts/run-action.mjs'

/** The packages named in an ncc licenses.txt: each entry starts with the package name on a line of its own. */
function bundledPackages(licenses: string): string[] {
  return [...licenses.matchAll(/^(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?)\n(?:MIT|ISC|Apache|BSD)/gm)]
    .map((m) => m[1])
    .sort()
}

describe('what the bundles hold', () => {
  it.each([
    ['dist', ['zod']],
    [join('dist', 'manifest'), ['yaml', 'zod']]
  ])('%s/index.js bundles %j and nothing else', (folder, expected) => {
    const licenses = readFileSync(join(ROOT, folder, 'licenses.txt'), 'utf8')
    expect(bundledPackages(licenses)).toEqual(expected)
  })

  it.each(['undici', '@actions/core', '@actions/http-client', '@actions/exec', 'tunnel'])(
    'neither bundle holds %s',
    (name) => {
      for (const folder of ['dist', join('dist', 'manifest')]) {
        expect(readFileSync(join(ROOT, folder, 'licenses.txt'), 'utf8')).not.toMatch(
          new RegExp(`^${name}$`, 'm')
        )
      }
    }
  )
})
