// The stamp that ties dist/ to its sources: a digest of contents only, so a stale dist/ is caught and a clean
// clone agrees with the committed stamp.
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { STAMP, distStaleness, inputsDigest } from '../../scripts/bundle.mjs'

let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'qia-stamp-'))
  mkdirSync(join(root, 'src', 'domain'), { recursive: true })
  writeFileSync(join(root, 'src', 'index.ts'), "import './domain/plan.js'\n")
  writeFileSync(join(root, 'src', 'domain', 'plan.ts'), 'export const plan = 1\n')
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n')
  writeFileSync(join(root, 'tsconfig.json'), '{}\n')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const stamp = () => {
  mkdirSync(join(root, 'dist'), { recursive: true })
  writeFileSync(join(root, STAMP), `${inputsDigest(root)}\n`)
}

describe('inputsDigest', () => {
  it('is the same for the same contents, in another folder and with other file times', () => {
    const before = inputsDigest(root)
    const copy = mkdtempSync(join(tmpdir(), 'qia-stamp-copy-'))
    try {
      cpSync(root, copy, { recursive: true })
      utimesSync(join(copy, 'src', 'index.ts'), new Date(0), new Date(0))
      expect(inputsDigest(copy)).toBe(before)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
    expect(before).toMatch(/^[0-9a-f]{64}$/)
  })

  it.each([
    ['a source edited', 'src/domain/plan.ts', 'export const plan = 2\n'],
    ['a source added', 'src/domain/match.ts', 'export {}\n'],
    ['the lockfile changed', 'package-lock.json', '{"lockfileVersion":3,"packages":{}}\n'],
    ['a tsconfig changed', 'tsconfig.json', '{"compilerOptions":{}}\n'],
    ['a tsconfig added', 'tsconfig.build.json', '{}\n']
  ])('changes when %s', (_what, file, text) => {
    const before = inputsDigest(root)
    writeFileSync(join(root, file), text)
    expect(inputsDigest(root)).not.toBe(before)
  })

  it('ignores dotfiles, the folders’ READMEs and files outside the inputs', () => {
    const before = inputsDigest(root)
    writeFileSync(join(root, 'src', '.DS_Store'), 'x')
    mkdirSync(join(root, 'src', 'domain'), { recursive: true })
    writeFileSync(join(root, 'src', 'domain', 'README.md'), '# what lives here\n')
    writeFileSync(join(root, 'README.md'), '# other\n')
    expect(inputsDigest(root)).toBe(before)
  })
})

describe('distStaleness', () => {
  it('passes a dist/ stamped from these sources', () => {
    stamp()
    expect(distStaleness(root)).toBeUndefined()
  })

  it('fails a dist/ without a stamp', () => {
    expect(distStaleness(root)).toBe('dist/ is stale: run npm run bundle (dist/inputs.sha256 is missing)')
  })

  it('fails a dist/ built before a src/ edit', () => {
    stamp()
    writeFileSync(join(root, 'src', 'domain', 'plan.ts'), 'export const plan = 3\n')
    expect(distStaleness(root)).toMatch(
      /^dist\/ is stale: run npm run bundle \(src\/, package-lock\.json or tsconfig/
    )
  })
})
