// `npm run bundle`: empties dist/, then builds every action's entry point into it with ncc. Plain Node, so it
// runs the same on Windows; starting from an empty dist/ means no stale file survives a rebuild.
// @ts-check
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const NCC = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')

/** Each action's entry point and the folder its bundle goes to (the one its action.yml's `runs.main` names). */
export const ENTRIES = [
  { entry: 'src/index.ts', out: 'dist' },
  { entry: 'src/manifest.ts', out: 'dist/manifest' }
]

/** The flags of the committed bundles: every dependency's licence in one file, minified. */
export const RELEASE_FLAGS = ['--license', 'licenses.txt', '--minify']

/**
 * Builds one entry point with ncc into `out` (relative to the repository root, or absolute); throws when ncc fails.
 * @param {string} entry
 * @param {string} out
 * @param {string[]} flags
 * @param {{ quiet?: boolean }} [options]
 */
export function nccBuild(entry, out, flags, { quiet = false } = {}) {
  const result = spawnSync(process.execPath, [NCC, 'build', entry, '-o', out, ...flags], {
    cwd: ROOT,
    stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit',
    encoding: 'utf8'
  })
  if (result.status !== 0) {
    const detail = result.error ? String(result.error) : (result.stderr ?? '').trim().slice(-2000)
    throw new Error(`ncc build ${entry} failed (exit ${result.status})${detail ? `:\n${detail}` : ''}`)
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
    for (const { entry, out } of ENTRIES) nccBuild(entry, out, RELEASE_FLAGS)
  } catch (error) {
    console.error(`bundle: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
