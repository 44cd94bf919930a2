// `npm run lint` part: src/'s folders are its layers — imports only point down, never round in a circle.
// Every import counts: static, `import type`, `export … from` and `import()`, because a circle through a
// type-only or a lazy import is still a circle a reader has to untangle.
// @ts-check
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * The layers of src/, highest first. A file may import its own folder and any layer below its own; `version.ts`
 * (the action's name) is a leaf anyone may import. The entry points sit at the top of src/.
 * `forbidden` lists modules a layer may not import at all (domain/ is pure: no runner, no network, no files).
 */
export const LAYERS = [
  { folder: '', rank: 9 }, // src/index.ts, src/manifest.ts: entry points
  { folder: 'single', rank: 8 },
  { folder: 'manifest', rank: 8 },
  { folder: 'runner', rank: 6 },
  { folder: 'pipeline', rank: 5 },
  { folder: 'qonversion', rank: 4 },
  { folder: 'net', rank: 3 },
  {
    folder: 'domain',
    rank: 2,
    forbidden: [
      /^@actions\//,
      /^(node:)?(fs|http|https|net|tls|child_process|timers|process)(\/|$)/,
      /^yaml$/
    ]
  }
]
const LEAVES = new Set(['version.ts'])

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/** @param {string} dir @returns {string[]} */
function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return tsFiles(path)
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : []
  })
}

/**
 * Import specifiers of one file's text, comments removed first so an example in a comment is not an import.
 * @param {string} text
 * @returns {string[]}
 */
export function specifiersOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
  return [...code.matchAll(IMPORT), ...code.matchAll(DYNAMIC)].map((match) => match[1])
}

/** @param {string} rel a path relative to src/ with / separators */
function layerOf(rel) {
  if (LEAVES.has(rel)) return { folder: '(leaf)', rank: 0 }
  const folder = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : ''
  return LAYERS.find((layer) => layer.folder === folder)
}

/**
 * Every problem of the import graph under `srcDir`: upward or sideways imports, forbidden modules, unknown
 * folders, and each circle once. Returns messages, empty when the layers hold.
 * @param {string} srcDir
 * @returns {string[]}
 */
export function checkImports(srcDir) {
  const root = resolve(srcDir)
  const files = tsFiles(root)
  const rel = (/** @type {string} */ path) => relative(root, path).split(sep).join('/')
  /** @type {Map<string, string[]>} */
  const graph = new Map()
  const problems = []
  for (const file of files) {
    const from = rel(file)
    const layer = layerOf(from)
    if (!layer) {
      problems.push(
        `src/${from}: folder is not a layer (known: ${LAYERS.map((l) => l.folder || '(top)').join(', ')})`
      )
      continue
    }
    const edges = []
    for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        if (layer.forbidden?.some((pattern) => pattern.test(spec)))
          problems.push(
            `src/${from}: ${layer.folder}/ may not import '${spec}' (it must stay free of effects)`
          )
        continue
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'))
      if (!existsSync(target)) continue
      const to = rel(target)
      edges.push(to)
      const targetLayer = layerOf(to)
      if (!targetLayer || to === from) continue
      const sameFolder = targetLayer.folder === layer.folder && layer.folder !== ''
      if (!sameFolder && targetLayer.rank >= layer.rank)
        problems.push(
          `src/${from}: imports src/${to}, which is not below it ` +
            `(${layer.folder || 'top'}/ may import only its own folder and lower layers)`
        )
    }
    graph.set(from, edges)
  }
  problems.push(
    ...cyclesOf(graph).map((cycle) => `import circle: ${cycle.map((f) => `src/${f}`).join(' → ')}`)
  )
  return problems
}

/** Each circle of the graph once (Tarjan's strongly connected components, then one path round each). */
function cyclesOf(/** @type {Map<string, string[]>} */ graph) {
  let index = 0
  /** @type {Map<string, number>} */
  const indices = new Map()
  /** @type {Map<string, number>} */
  const low = new Map()
  /** @type {string[]} */
  const stack = []
  const onStack = new Set()
  /** @type {string[][]} */
  const components = []
  const visit = (/** @type {string} */ node) => {
    indices.set(node, index)
    low.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next)
        low.set(node, Math.min(Number(low.get(node)), Number(low.get(next))))
      } else if (onStack.has(next)) low.set(node, Math.min(Number(low.get(node)), Number(indices.get(next))))
    }
    if (low.get(node) === indices.get(node)) {
      const component = []
      let member
      do {
        member = /** @type {string} */ (stack.pop())
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      const selfLoop = (graph.get(node) ?? []).includes(node)
      if (component.length > 1 || selfLoop) components.push(component)
    }
  }
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node)
  return components.map((component) => {
    const members = new Set(component)
    const start = [...component].sort()[0]
    const path = [start]
    let at = start
    const seen = new Set([start])
    for (;;) {
      const next = (graph.get(at) ?? []).find((n) => members.has(n) && (n === start || !seen.has(n)))
      if (!next || next === start) break
      path.push(next)
      seen.add(next)
      at = next
    }
    return [...path, start]
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const src = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'src')
  const problems = checkImports(src)
  for (const problem of problems) console.error(problem)
  if (problems.length > 0) {
    console.error(
      `check-imports: ${problems.length} problem(s) in the layers of ${relative(process.cwd(), src) || '.'}`
    )
    process.exitCode = 1
  } else console.log('check-imports: layers hold, no import circle')
}
