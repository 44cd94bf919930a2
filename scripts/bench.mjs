// `npm run bench [-- --runs N]`: the action's budgets — cold runs of both actions vs a CommonJS node:http floor (this
// Node and Node 24), bundle size, waits under 429, a clean install — printed PASS/FAIL and written to BENCHMARKS.md;
// exit 1 on a FAIL.
// @ts-check
import { execFileSync, spawnSync } from 'node:child_process'
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { start } from '../emulator/server.js'
import { manifestApply } from './bench-manifest.mjs'
import { nccBuild } from './bundle.mjs'
import { ROOT, runAction, spawnTimed } from './run-action.mjs'

/**
 * @typedef {{ name: string, value: string, pass: boolean }} Budget
 * @typedef {{ title: string, lines: string[], budgets: Budget[] }} Section
 * @typedef {{ emu: Awaited<ReturnType<typeof start>>, tmp: string, runs: number, node24: string }} Context
 */

// Issue 17 item 7: with undici, tunnel and @actions/exec off the start-up path (CONTRIBUTING.md, "A light start").
const MAX_COLD_RATIO_NODE24 = 1.9
const MAX_PLAN_RATIO_NODE24 = 2.2
const MAX_DIST_KIB = 300
const MAX_PACKAGES = 450
const MAX_WAIT_OVERHEAD = 0.1
const CREATE = { method: 'POST', path: '/v4/integrations' }
// 3 × 429 with Retry-After: 1, then 201: what the default max-attempts (4) absorbs; 3000 ms asked in all.
const RATE_LIMIT = { match: CREATE, kind: /** @type {const} */ ('rate-limit'), count: 3, retryAfter: 1 }
const FLOOR_HEADERS = { authorization: 'Bearer test_sk_emulator', 'content-type': 'application/json' }
const WIN = process.platform === 'win32'

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`
const kib = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KiB`
const pct = (/** @type {number} */ x) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`
const row = (/** @type {string[]} */ cells) => `| ${cells.join(' | ')} |`
/** @type {(name: string, value: string, pass: boolean) => Budget} */
const budget = (name, value, pass) => ({ name, value, pass })

// The floor: the least a Node process does for the same result, one POST with the action's headers. CommonJS on
// purpose: on Node 24 an ES module's `import 'node:http'` also loads Node's bundled undici (~30 ms), hiding costs.
const FLOOR = `// Benchmark floor: one POST with node:http, then exit (1 unless the answer is 201).
const { BENCH_URL, BENCH_HEADERS, BENCH_BODY } = process.env
const req = require('node:http').request(BENCH_URL, { method: 'POST', headers: JSON.parse(BENCH_HEADERS) }, (res) => {
  res.resume().on('end', () => (process.exitCode = res.statusCode === 201 ? 0 : 1))
})
req.on('error', () => (process.exitCode = 1)).end(BENCH_BODY)
`

let serial = 0
/** One cold run of dist/index.js creating one integration; only exit 0 with an id counts. @param {Context} ctx */
async function actionRun(ctx, node = process.execPath) {
  const inputs = {
    title: `bench ${++serial}`,
    provider: 'amplitude',
    store: 'iOS',
    'secret-key': 'test_sk_emulator'
  }
  // A new run id per run: a new idempotency key, so every run really creates.
  const run = { id: String(700000 + serial), attempt: '1' }
  const result = await runAction({ inputs: { ...inputs, 'api-url': ctx.emu.apiUrl }, run, node })
  if (result.code === 0 && /^[A-Za-z0-9]{8}$/.test(result.outputs['integration-id'] ?? '')) return result.ms
  throw new Error(`action run failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-2000)}`)
}

// The manifest file of the cold `plan` run: one entry, so the run measures start-up more than planning.
const PLAN_FILE = 'integrations:\n  - title: Amplitude iOS\n    provider: amplitude\n    store: iOS\n'

/** One cold run of dist/manifest/index.js in `plan` mode (list, catalog); only exit 0 with its plan counts. @param {Context} ctx */
async function planRun(ctx, node = process.execPath) {
  // The production key: its project stays empty (the single action's runs create in the sandbox), so every plan
  // reads the same one-page list and plans the same one create.
  const result = await runAction({
    action: 'manifest',
    inputs: { mode: 'plan', 'secret-key': 'sk_emulator', 'api-url': ctx.emu.apiUrl },
    files: { '.github/qonversion-integrations.yml': PLAN_FILE },
    run: { id: String(700000 + ++serial), attempt: '1' },
    node
  })
  if (result.code === 0 && result.outputs.changes === '1') return result.ms
  throw new Error(
    `manifest plan run failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-2000)}`
  )
}

/** One run of the floor, creating one integration as the action does. @param {Context} ctx @param {string} node */
async function floorRun(ctx, node) {
  const headers = { ...FLOOR_HEADERS, 'idempotency-key': `bench-floor-${process.pid}-${++serial}` }
  const result = await spawnTimed(node, [join(ctx.tmp, 'floor.cjs')], {
    PATH: process.env.PATH ?? '',
    SystemRoot: process.env.SystemRoot,
    BENCH_URL: `${ctx.emu.apiUrl}/integrations`,
    BENCH_HEADERS: JSON.stringify(headers),
    BENCH_BODY: JSON.stringify({ title: `bench ${serial}`, integration: 'amplitude', target_platform: 'iOS' })
  })
  if (result.code !== 0) throw new Error(`floor run failed (exit ${result.code}): ${result.stderr.trim()}`)
  return result.ms
}

/**
 * Each kind of cold run: what it runs, its label, on Node 24 its budget (a ratio to the floor), and the requests of
 * its happy path: the action's one POST; the plan's list and the provider catalog it checks the file against.
 */
const KINDS = [
  { kind: 'action', run: actionRun, max: MAX_COLD_RATIO_NODE24, label: 'cold run', requests: 1 },
  {
    kind: 'manifest plan',
    run: planRun,
    max: MAX_PLAN_RATIO_NODE24,
    label: 'manifest `plan` cold run',
    requests: 2
  },
  { kind: 'floor', run: floorRun, max: Infinity, label: 'floor', requests: 0 }
]

/** Both actions' cold runs vs the CommonJS floor, this Node and Node 24, all interleaved. @param {Context} ctx @returns {Promise<Section>} */
async function coldRun(ctx) {
  writeFileSync(join(ctx.tmp, 'floor.cjs'), FLOOR)
  const nodes = [...new Set([process.execPath, ctx.node24])]
  const runs = nodes.flatMap((node) =>
    KINDS.map((k) => ({ ...k, node, times: /** @type {number[]} */ ([]) }))
  )
  for (const { run, node } of runs) await run(ctx, node) // warm-up, not counted
  /** @type {Record<string, number[]>} per kind, the requests of each run as the emulator saw them */
  const requests = { action: [], 'manifest plan': [] }
  for (let round = 1; round <= ctx.runs; round++) {
    // Forward, then backward: each kind goes first and last equally often, so a drift in load is shared.
    for (const { kind, run, node, times } of round % 2 ? runs : [...runs].reverse()) {
      const before = ctx.emu.requests().length
      times.push(await run(ctx, node))
      if (kind !== 'floor') requests[kind].push(ctx.emu.requests().length - before)
    }
  }
  const lines = [
    row([
      'Node',
      'action (median)',
      'manifest plan (median)',
      'floor (median)',
      'action ÷ floor',
      'plan ÷ floor'
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:'])
  ]
  const budgets = KINDS.filter((k) => k.kind !== 'floor').map(({ kind, requests: expected }) => {
    const counts = requests[kind]
    const seen = [...new Set(counts)].sort((a, b) => a - b).join(' or ')
    return budget(
      `happy path: exactly ${expected === 1 ? 'one request' : `${expected} requests`} per ${kind} run`,
      `${seen} seen`,
      counts.every((n) => n === expected)
    )
  })
  for (const node of nodes) {
    const medians = new Map(runs.filter((r) => r.node === node).map((r) => [r.kind, median(r.times)]))
    const floor = medians.get('floor') ?? NaN
    const ratio = (/** @type {string} */ kind) => (medians.get(kind) ?? NaN) / floor
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
    lines.push(
      row([
        version,
        ms(medians.get('action') ?? NaN),
        ms(medians.get('manifest plan') ?? NaN),
        ms(floor),
        `**${ratio('action').toFixed(2)} ×**`,
        `**${ratio('manifest plan').toFixed(2)} ×**`
      ])
    )
    if (node !== ctx.node24) continue
    for (const { kind, max, label } of KINDS.filter((k) => k.kind !== 'floor')) {
      const name = `${label} ≤ ${max} × the CommonJS floor on Node 24 (ratio of medians)`
      budgets.push(budget(name, `${ratio(kind).toFixed(2)} ×`, ratio(kind) <= max))
    }
  }
  lines.push(
    '',
    `Medians of ${ctx.runs} interleaved rounds, spawn to exit. **action**: \`dist/index.js\` run as the runner runs it`,
    '(`scripts/run-action.mjs`), creating one integration in the in-process emulator. **manifest plan**:',
    '`dist/manifest/index.js` in `plan` mode on a one-entry file (two GETs: the list, the catalog). **floor**: a CommonJS script sending one',
    'POST like the action’s with `node:http`.'
  )
  return { title: 'Cold run', lines, budgets }
}

/** The size of the top-level bundle, and where its bytes come from (ncc --stats-out). @param {Context} ctx */
async function bundleSize(ctx) {
  const dist = statSync(join(ROOT, 'dist', 'index.js')).size
  const out = join(ctx.tmp, 'bundle')
  const statsFile = join(ctx.tmp, 'stats.json')
  nccBuild('src/index.ts', out, ['--minify', '--stats-out', statsFile], { quiet: true })
  /** @typedef {{ name: string, size: number, orphan?: boolean, modules?: Module[] }} Module */
  /** @type {{ modules: Module[] }} */
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'))
  /** @type {Map<string, number>} */
  const byPackage = new Map()
  /** @param {Module} m */
  const add = (m) => {
    if (m.modules?.length) return m.modules.forEach(add) // a concatenated module: charge its parts
    // `a/node_modules/@b/c/x.js` → `a › @b/c`: a nested copy is named with its parent.
    const packages = [...m.name.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((x) => x[1]).join(' › ')
    const owner =
      packages || (m.name.startsWith('./src/') ? "src/ (the action's own code)" : '(webpack runtime)')
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + m.size)
  }
  stats.modules.filter((m) => !m.orphan).forEach(add)
  const total = [...byPackage.values()].reduce((a, b) => a + b, 0)
  const rebuilt = statSync(join(out, 'index.js')).size
  const stale =
    rebuilt === dist ? '' : ` **A fresh build of \`src/\` is ${kib(rebuilt)}: \`dist/\` is stale.**`
  const lines = [
    `\`dist/index.js\`: ${dist.toLocaleString('en-US')} bytes (${kib(dist)}).${stale}`,
    '',
    'Where the bundle comes from, by package: the source size of each module ncc put in it (`ncc build --stats-out`,',
    'before minification), so the shares are approximate.',
    '',
    row(['Package', 'source size', 'share']),
    row(['---', '---:', '---:']),
    ...[...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([p, n]) => row([p, kib(n), `${((n / total) * 100).toFixed(1)} %`]))
  ]
  const budgets = [budget(`\`dist/index.js\` ≤ ${MAX_DIST_KIB} KiB`, kib(dist), dist <= MAX_DIST_KIB * 1024)]
  return { title: 'Size of the bundle', lines, budgets }
}

/** Under 429 with Retry-After: never sooner than asked, and not much later, timed at the server. @param {Context} ctx */
async function rateLimited(ctx) {
  const asked = RATE_LIMIT.count * RATE_LIMIT.retryAfter * 1000
  /** @type {number[][]} */
  const repeats = []
  for (let repeat = 1; repeat <= 3; repeat++) {
    ctx.emu.reset()
    ctx.emu.inject(RATE_LIMIT)
    await actionRun(ctx)
    const posts = ctx.emu.requests().filter((r) => r.method === CREATE.method && r.path === CREATE.path)
    const keys = new Set(posts.map((r) => r.headers['idempotency-key'])).size
    const statuses = posts.map((r) => r.status).join()
    if (statuses !== '429,429,429,201' || keys !== 1 || ctx.emu.records('sandbox').length !== 1)
      throw new Error(`rate-limited run ${repeat}: ${statuses} under ${keys} key(s), one record expected`)
    const arrivals = posts.map((r) => Date.parse(r.at)) // each gap: one wait + one local round trip
    repeats.push(arrivals.slice(1).map((t, i) => t - arrivals[i]))
  }
  const overhead = median(repeats.map((gaps) => gaps.reduce((a, b) => a + b, 0) / asked - 1))
  const shortest = Math.min(...repeats.flat())
  const gapsText = repeats.map((gaps) => gaps.map((g) => `${g} ms`).join(', ')).join('; ')
  const lines = [
    `The first 3 creates get 429 and \`Retry-After: 1\`. Gaps between attempts at the server: ${gapsText}.`
  ]
  const sooner = 'under 429: never sooner than Retry-After (every gap ≥ 1000 ms)'
  const later = `under 429: ≤ ${MAX_WAIT_OVERHEAD * 100} % longer than asked (median of 3)`
  const budgets = [
    budget(sooner, `shortest gap ${shortest} ms`, shortest >= 1000),
    budget(later, pct(overhead), overhead <= MAX_WAIT_OVERHEAD)
  ]
  return { title: 'Under rate limiting', lines, budgets }
}

/** Bytes of the files under a folder (symbolic links not followed). @param {string} dir @returns {number} */
const folderBytes = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const path = join(dir, e.name)
    return sum + (e.isDirectory() ? folderBytes(path) : lstatSync(path).size)
  }, 0)

/** `npm ci` in a fresh clone of the committed repository, under Node 24 (the Node the docs name). @param {Context} ctx */
async function cleanInstall(ctx) {
  const clone = join(ctx.tmp, 'clone')
  execFileSync('git', ['clone', '--quiet', ROOT, clone])
  const t0 = performance.now()
  const npm = spawnSync(WIN ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: clone,
    encoding: 'utf8',
    shell: WIN,
    env: { ...process.env, PATH: `${dirname(ctx.node24)}${delimiter}${process.env.PATH}` }
  })
  const seconds = (performance.now() - t0) / 1000
  if (npm.status !== 0) throw new Error(`npm ci failed in ${clone}:\n${npm.stderr.slice(-2000)}`)
  const output = `${npm.stdout}\n${npm.stderr}`
  const packages = Number(/added (\d+) packages?/.exec(output)?.[1] ?? NaN)
  const engineWarnings = (output.match(/EBADENGINE Unsupported engine/g) ?? []).length
  const megabytes = folderBytes(join(clone, 'node_modules')) / 1024 / 1024
  return {
    title: 'Clean install',
    lines: [
      `\`npm ci\` in a fresh clone of the committed repository under Node 24: **${packages} packages**, ${megabytes.toFixed(0)} MB in node_modules, ${seconds.toFixed(1)} s (npm’s cache warm), ${engineWarnings} EBADENGINE warning(s).`
    ],
    budgets: [
      budget(`clean install ≤ ${MAX_PACKAGES} packages`, `${packages} packages`, packages <= MAX_PACKAGES),
      budget('no EBADENGINE warning under Node 24', `${engineWarnings} warning(s)`, engineWarnings === 0)
    ]
  }
}

// Every measurement, in report order: each takes the context and returns its section and budgets. A new one (such
// as a manifest apply with concurrency) is one more function here.
/** @type {Array<(ctx: Context) => Promise<Section>>} */
const MEASUREMENTS = [coldRun, bundleSize, rateLimited, manifestApply, cleanInstall]

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 10) {
  console.error('bench: --runs must be an integer ≥ 10 (fewer rounds let one slow spawn move the median)')
  process.exit(2)
}
const started = new Date()
const tmp = mkdtempSync(join(os.tmpdir(), 'qia-bench-'))
const emu = await start({ port: 0 })
let exitCode = 0
try {
  const npx = ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath']
  /** @type {Context} */
  const ctx = { emu, tmp, runs, node24: execFileSync('npx', npx, { encoding: 'utf8', shell: WIN }).trim() }
  /** @type {Section[]} */
  const sections = []
  for (const measure of MEASUREMENTS) {
    console.error(`bench: ${measure.name}…`)
    sections.push(await measure(ctx))
  }
  const budgets = sections.flatMap((s) => s.budgets)
  const cpu = os.cpus()
  const text = [
    '<!-- Written by `npm run bench` (scripts/bench.mjs). Rerun it rather than editing figures by hand. -->',
    '',
    '# Benchmarks',
    '',
    `- **Date:** ${started.toISOString()}`,
    `- **Machine:** ${cpu[0]?.model.trim()}, ${cpu.length} cores, ${process.platform} ${process.arch}, load ${os.loadavg()[0].toFixed(2)}`,
    `- **Command:** \`npm run bench\` on Node ${process.version}, ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s in all`,
    '',
    '## Budgets',
    '',
    row(['Budget', 'Measured', 'Result']),
    row(['---', '---', '---']),
    ...budgets.map((b) => row([b.name, b.value, `**${b.pass ? 'PASS' : 'FAIL'}**`])),
    ...sections.flatMap((s) => ['', `## ${s.title}`, '', ...s.lines]),
    '',
    '## How to read this',
    '',
    '- Ratios, not milliseconds, carry the budgets: the action and its floor run side by side, alternating, in one run, so',
    '  both see the same load on a shared machine. The floor is the price of starting Node and making one request.',
    '- `npm run bench` exits 1 when a budget fails, after writing this file; a run that errors writes nothing.',
    ''
  ].join('\n')
  const prettier = await import('prettier') // so that format:check passes right after a run
  const target = join(ROOT, 'BENCHMARKS.md')
  const config = await prettier.resolveConfig(target)
  writeFileSync(target, await prettier.format(text, { ...config, filepath: target }))
  for (const s of sections) console.log(`\n${s.title}\n${s.lines.join('\n')}`)
  for (const b of budgets) console.log(`${b.pass ? 'PASS' : 'FAIL'}  ${b.name}: ${b.value}`)
  console.log('wrote BENCHMARKS.md')
  if (budgets.some((b) => !b.pass)) exitCode = 1
} catch (error) {
  console.error(`\nbench: ${error instanceof Error ? error.message : String(error)}`)
  exitCode = 1
} finally {
  await emu.close()
  rmSync(tmp, { recursive: true, force: true })
}
process.exit(exitCode)
