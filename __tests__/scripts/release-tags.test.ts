// The Release workflow's tag rule: vX and vX.Y move only to the highest release of their line.
import { describe, it, expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decideTagMoves, parseRelease } from '../../scripts/release-tags.mjs'

const moves = (release: string, tags: string[]): Record<string, boolean> =>
  Object.fromEntries(decideTagMoves(release, tags).map((d) => [d.tag, d.move]))

describe('decideTagMoves', () => {
  it('1.0.1 published after 1.1.0 leaves v1 alone and moves v1.0', () => {
    const tags = ['v1.0.0', 'v1.1.0', 'v1', 'v1.0', 'v1.1', 'v1.0.1']
    expect(moves('v1.0.1', tags)).toEqual({ v1: false, 'v1.0': true })
    expect(decideTagMoves('v1.0.1', tags)[0].reason).toBe(
      'left alone: v1.1.0 is a higher release of the v1 line'
    )
  })

  it('1.1.1 moves v1 and v1.1', () => {
    expect(moves('v1.1.1', ['v1.0.0', 'v1.0.1', 'v1.1.0', 'v1', 'v1.0', 'v1.1', 'v1.1.1'])).toEqual({
      v1: true,
      'v1.1': true
    })
  })

  it('compares versions, not strings: 1.9.1 after 1.10.0 leaves v1 alone', () => {
    expect(moves('v1.9.1', ['v1.9.0', 'v1.10.0'])).toEqual({ v1: false, 'v1.9': true })
  })

  it('a fix to an older major moves that major, whatever newer majors exist', () => {
    expect(moves('v1.4.2', ['v1.4.1', 'v2.0.0', 'v2'])).toEqual({ v1: true, 'v1.4': true })
  })

  it('the first release of a line creates its tags; a re-run for the same release moves them again', () => {
    expect(moves('v2.0.0', ['v1.0.0'])).toEqual({ v2: true, 'v2.0': true })
    expect(moves('v2.0.0', ['v1.0.0', 'v2.0.0', 'v2', 'v2.0'])).toEqual({ v2: true, 'v2.0': true })
  })

  it('ignores tags that are not releases (pre-releases, moving tags)', () => {
    expect(moves('v1.1.0', ['v1.2.0-rc.1', 'v1.2', 'v1', 'latest'])).toEqual({ v1: true, 'v1.1': true })
  })

  it('refuses a release tag that is not vX.Y.Z', () => {
    for (const tag of ['1.2.3', 'v1.2', 'v1.2.3-rc.1', 'v01.2.3']) {
      expect(parseRelease(tag)).toBeUndefined()
      expect(() => decideTagMoves(tag, [])).toThrow('is not of the form vX.Y.Z')
    }
  })
})

describe('node scripts/release-tags.mjs', () => {
  it("reads the repository's tags and writes the tags to move and a summary of what is left alone", () => {
    const script = fileURLToPath(new URL('../../scripts/release-tags.mjs', import.meta.url))
    const repo = mkdtempSync(join(tmpdir(), 'qia-release-tags-'))
    try {
      const git = (...args: string[]): string =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: repo,
          encoding: 'utf8'
        })
      git('init', '-q')
      git('commit', '-q', '--allow-empty', '-m', 'one')
      for (const tag of ['v1.0.0', 'v1.1.0', 'v1', 'v1.0', 'v1.1', 'v1.0.1']) git('tag', tag)
      const output = join(repo, 'output')
      const summary = join(repo, 'summary.md')
      writeFileSync(output, '')
      writeFileSync(summary, '')
      execFileSync(process.execPath, [script, 'v1.0.1'], {
        cwd: repo,
        env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary }
      })
      expect(readFileSync(output, 'utf8')).toBe('tags=v1.0\n')
      expect(readFileSync(summary, 'utf8')).toContain(
        '- `v1` left alone: v1.1.0 is a higher release of the v1 line.'
      )
    } finally {
      rmSync(repo, { recursive: true, force: true })
    }
  })
})
