// `npm run bundle`: empties dist/, then builds every action's entry point into it with ncc, and stamps dist/ with a
// digest of what it was built from. Plain Node, so it runs the same on Windows; starting from an empty dist/ means
// no stale file survives a rebuild.
// @ts-check
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
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

/** Where the digest of the bundles' inputs is kept: committed with dist/, so a clean clone can check it. */
export const STAMP = 'dist/inputs.sha256'

/**
 * Every file a bundle is built from, relative to `root` with `/`, sorted: the code of src/ (not its folder READMEs,
 * which ncc never reads, nor dotfiles, an editor's litter), the lockfile (the exact dependencies ncc inlines) and the
 * TypeScript configs.
 * @param {string} root
 */
function inputFiles(root) {
  /** @param {string} dir @returns {string[]} */
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.name.startsWith('.') || (entry.isFile() && entry.name.endsWith('.md'))
        ? []
        : entry.isDirectory()
          ? walk(join(dir, entry.name))
          : [join(dir, entry.name)]
    )
  const configs = readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name))
  return [
    ...walk(join(root, 'src')),
    join(root, 'package-lock.json'),
    ...configs.map((name) => join(root, name))
  ]
    .map((file) => relative(root, file).split(sep).join('/'))
    .sort()
}

/**
 * The digest of what `npm run bundle` builds from: the entries, the flags, and each input file's path and content.
 * Contents only — no times, no absolute paths — so a clean clone computes the digest its dist/ was stamped with.
 * @param {string} [root]
 */
export function inputsDigest(root = ROOT) {
  const hash = createHash('sha256').update(JSON.stringify({ ENTRIES, RELEASE_FLAGS }))
  for (const file of inputFiles(root)) hash.update(`\0${file}\0`).update(readFileSync(join(root, file)))
  return hash.digest('hex')
}

/**
 * Why dist/ under `root` is not the build of its sources, or undefined when its stamp matches them.
 * @param {string} [root]
 */
export function distStaleness(root = ROOT) {
  const stamp = join(root, STAMP)
  if (!existsSync(stamp)) return `dist/ is stale: run npm run bundle (${STAMP} is missing)`
  const built = readFileSync(stamp, 'utf8').trim()
  if (built !== inputsDigest(root))
    return `dist/ is stale: run npm run bundle (src/, package-lock.json or tsconfig changed since dist/ was built)`
  return undefined
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    rmSync(join(ROOT, 'dist'), { recursive: true, force: true })
    for (const { entry, out } of ENTRIES) nccBuild(entry, out, RELEASE_FLAGS)
    writeFileSync(join(ROOT, STAMP), `${inputsDigest()}\n`)
  } catch (error) {
    console.error(`bundle: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
