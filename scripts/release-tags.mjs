// `node scripts/release-tags.mjs vX.Y.Z`: decides which of vX and vX.Y the release may move — only when it is the
// highest release of that line, compared as versions — from the repository's tags; used by the Release workflow.
// @ts-check
import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

/**
 * @typedef {[number, number, number]} Version
 * @typedef {{ tag: string, move: boolean, reason: string }} Decision
 */

/**
 * `v1.2.3` → [1, 2, 3]; anything else (a pre-release, `v1`, `1.2.3`) → undefined.
 * @param {string} tag
 * @returns {Version | undefined}
 */
export function parseRelease(tag) {
  const match = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(tag)
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined
}

/** @param {Version} a @param {Version} b */
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

/**
 * For the release `release` and the repository's tags (the release's own included or not), whether `vX` and
 * `vX.Y` may point at it: each moves only when no release of its line is higher. Re-running for the same
 * release moves them again (to the same commit).
 * @param {string} release
 * @param {string[]} tags
 * @returns {Decision[]}
 */
export function decideTagMoves(release, tags) {
  const version = parseRelease(release)
  if (!version) throw new Error(`release tag "${release}" is not of the form vX.Y.Z (such as v1.2.3)`)
  const releases = /** @type {Array<[string, Version]>} */ (
    tags.map((tag) => [tag, parseRelease(tag)]).filter(([, v]) => v !== undefined)
  )
  const [major, minor] = version
  const lines = [
    { tag: `v${major}`, inLine: (/** @type {Version} */ v) => v[0] === major },
    { tag: `v${major}.${minor}`, inLine: (/** @type {Version} */ v) => v[0] === major && v[1] === minor }
  ]
  return lines.map(({ tag, inLine }) => {
    const higher = releases
      .filter(([, v]) => inLine(v) && compare(v, version) > 0)
      .sort(([, a], [, b]) => compare(b, a))[0]
    return higher
      ? { tag, move: false, reason: `left alone: ${higher[0]} is a higher release of the ${tag} line` }
      : { tag, move: true, reason: `moves to ${release}, the highest release of the ${tag} line` }
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const release = process.argv[2] ?? ''
  try {
    const tags = execFileSync('git', ['tag', '--list', 'v*'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
    const decisions = decideTagMoves(release, tags)
    const lines = decisions.map((d) => `- \`${d.tag}\` ${d.reason}.`)
    console.log(lines.join('\n'))
    const move = decisions.filter((d) => d.move).map((d) => d.tag)
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `tags=${move.join(' ')}\n`)
    if (process.env.GITHUB_STEP_SUMMARY) {
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, `### Tags for ${release}\n\n${lines.join('\n')}\n\n`)
    }
  } catch (error) {
    console.error(`::error::release-tags: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
