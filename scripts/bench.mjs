// `npm run bench [-- --runs N]`: times the bundled action's cold run against a bare node:http floor, its memory, size and Retry-After waits, and writes BENCHMARKS.md.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { start } from '../emulator/server.js'
import { ROOT, runAction, spawnTimed } from './run-action.mjs'

/**
 * @typedef {{ median: number, min: number, max: number, n: number }} Stats
 * @typedef {'action' | 'floor' | 'fetch'} Kind
 * @typedef {{ ms: number, rss: number, startupMs: number, tailMs: number }} Sample
 *   startupMs: spawn → the request reaching the emulator; tailMs: that arrival → the child closing.
 * @typedef {{ ms: number, waitedMs: number, overhead: number, gaps: number[], serverWaitMs: number,
 *   serverOverhead: number }} RateRun
 * @typedef {{ owner: string, bytes: number, share: number }} Owner
 * @typedef {{ error?: string, owners: Owner[], rebuiltBytes: number, modules: number }} Bundle
 * @typedef {{ cpu: string, cores: number, memory: string, node: string, platform: string, load: string }} Host
 * @typedef {{ pass: boolean, name: string, value: string }} Budget
 */

const DIST = join(ROOT, 'dist', 'index.js')
const MIN_RUNS = 10
const DEFAULT_RUNS = 15
const MAX_DIST_BYTES = 1024 * 1024
const MAX_COLD_RATIO = 3
const MAX_WAIT_OVERHEAD = 0.1
// 3 × 429 then 201: exactly what the action's default max-attempts (4) can absorb.
const RATE_LIMIT = { count: 3, retryAfterS: 1 }
const ASKED_MS = RATE_LIMIT.count * RATE_LIMIT.retryAfterS * 1000
const RATE_LIMIT_REPEATS = 3
const SECRET_KEY = 'test_sk_emulator'
const CREATE = { method: 'POST', path: '/v4/integrations' }

// ---------- arguments ----------

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = { runs: DEFAULT_RUNS, help: false }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    if (flag === '--runs') options.runs = Number(inline ?? argv[++i])
    else if (flag === '--help' || flag === '-h') options.help = true
    else throw new Error(`unknown argument ${argv[i]} (try --help)`)
  }
  // Fewer rounds let one slow spawn on a shared machine move the median.
  if (!Number.isInteger(options.runs) || options.runs < MIN_RUNS)
    throw new Error(`--runs must be an integer ≥ ${MIN_RUNS}`)
  return options
}

// ---------- statistics and formatting ----------

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
/** @param {number[]} xs @returns {Stats} */
const summarize = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length })
/** @param {number} x */
const ms = (x) => `${x.toFixed(1)} ms`
/** @param {number} bytes */
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
/** @param {number} bytes */
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`
/** @param {number} x */
const pct = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`
/** @param {number} n */
const bytesText = (n) => n.toLocaleString('en-US')

// ---------- the children ----------

/**
 * A CommonJS preload, given to every child through NODE_OPTIONS, writes the child's own peak RSS at exit. It needs
 * no /usr/bin/time, works under the ESM dist/index.js, and all kinds of child carry it, so its (sub-ms) cost is on
 * both sides of the ratio. `--require` rather than `--import`: it loads synchronously and adds no ESM loader step.
 */
const PRELOAD = `// Benchmark preload: writes this process's peak RSS (KiB) to BENCH_RSS_FILE at exit.
const { writeFileSync } = require('node:fs')
process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
})
`

/**
 * The floor: the least a Node process can do for the same result — start, send the same POST with node:http, read
 * the whole answer, exit. The headers are the ones the action itself sent in its warm-up run.
 */
const FLOOR = `// Benchmark floor: one POST with node:http, the action's headers and body, then exit.
import { request } from 'node:http'
const { BENCH_URL, BENCH_HEADERS, BENCH_BODY } = process.env
const req = request(BENCH_URL, { method: 'POST', headers: JSON.parse(BENCH_HEADERS) }, (res) => {
  let text = ''
  res.setEncoding('utf8')
  res.on('data', (chunk) => (text += chunk))
  res.on('end', () => {
    if (res.statusCode === 201) process.stdout.write(JSON.parse(text).id)
    else {
      process.stderr.write('HTTP ' + res.statusCode + ': ' + text + '\\n')
      process.exitCode = 1
    }
  })
})
req.on('error', (error) => {
  process.stderr.write(String(error) + '\\n')
  process.exitCode = 1
})
req.end(BENCH_BODY)
`

/**
 * Not budgeted, kept as evidence for a design choice: the same request through Node's global fetch. On Node 20
 * fetch alone costs a multiple of the floor (its HTTP parser is WebAssembly), which is why the action sends its
 * requests with node:http and keeps undici's fetch for proxies only.
 */
const FETCH_REFERENCE = `// Benchmark reference: the same POST with Node's global fetch, then exit.
const { BENCH_URL, BENCH_HEADERS, BENCH_BODY } = process.env
try {
  const res = await fetch(BENCH_URL, { method: 'POST', headers: JSON.parse(BENCH_HEADERS), body: BENCH_BODY })
  const text = await res.text()
  if (res.status === 201) process.stdout.write(JSON.parse(text).id)
  else {
    process.stderr.write('HTTP ' + res.status + ': ' + text + '\\n')
    process.exitCode = 1
  }
} catch (error) {
  process.stderr.write(String(error) + '\\n')
  process.exitCode = 1
}
`

/** @param {string} file */
function readRss(file) {
  // A child that died before 'exit' leaves no file; that must not read as 0 bytes.
  if (!existsSync(file)) throw new Error(`a child left no peak-RSS record (${file})`)
  const kibibytes = Number(readFileSync(file, 'utf8'))
  rmSync(file)
  return kibibytes * 1024
}

/**
 * Where a run's time went, from the emulator's arrival time of its create request. Runs are sequential, so the
 * newest create in the log is this run's; the key check makes sure of it.
 * @param {number} startedEpoch @param {number} endedEpoch @param {string} idempotencyKey
 */
function phases(startedEpoch, endedEpoch, idempotencyKey) {
  const create = emu
    .requests()
    .filter((r) => r.method === CREATE.method && r.path === CREATE.path)
    .at(-1)
  if (!create || create.headers['idempotency-key'] !== idempotencyKey)
    throw new Error(`the emulator did not log the create with Idempotency-Key ${idempotencyKey}`)
  const arrived = Date.parse(create.at)
  return { startupMs: arrived - startedEpoch, tailMs: endedEpoch - arrived }
}

let runSerial = 0
/** @param {string} label */
const createInputs = (label) => ({
  title: `bench ${label}`,
  provider: 'amplitude',
  store: 'iOS',
  'secret-key': SECRET_KEY,
  'api-url': emu.apiUrl
})

/**
 * One cold run of dist/index.js. Only exit 0 with an integration-id counts: a run that failed fast would otherwise
 * pass for a fast run.
 * @param {string} label
 * @returns {Promise<Sample>}
 */
async function actionRun(label) {
  const serial = ++runSerial
  const rssFile = join(tmp, `rss-${serial}`)
  const result = await runAction({
    inputs: createInputs(label),
    // A new GITHUB_RUN_ID per run gives a new idempotency key, so every run really creates.
    run: { id: String(700000 + serial), attempt: '1' },
    env: { NODE_OPTIONS: `--require=${preloadFile}`, BENCH_RSS_FILE: rssFile }
  })
  const ended = Date.now()
  const id = result.outputs['integration-id']
  if (result.code !== 0 || !/^[A-Za-z0-9]{8}$/.test(id ?? '')) {
    const log = `${result.stdout}\n${result.stderr}`.trim().slice(-2000)
    throw new Error(
      `action run "${label}" failed (exit ${result.code}, integration-id ${JSON.stringify(id)}):\n${log}`
    )
  }
  const key = result.outputs['idempotency-key'] ?? ''
  return { ms: result.ms, rss: readRss(rssFile), ...phases(ended - result.ms, ended, key) }
}

/** @type {Record<string, string>} */
let actionHeaders = {}
/**
 * @param {'floor' | 'fetch'} kind
 * @param {string} label
 * @returns {Promise<Sample>}
 */
async function scriptRun(kind, label) {
  const serial = ++runSerial
  const rssFile = join(tmp, `rss-${serial}`)
  const key = `bench-${kind}-${process.pid}-${serial}`
  const result = await spawnTimed(process.execPath, [kind === 'floor' ? floorFile : fetchFile], {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: `--require=${preloadFile}`,
    BENCH_RSS_FILE: rssFile,
    BENCH_URL: `${emu.apiUrl}/integrations`,
    BENCH_HEADERS: JSON.stringify({ ...actionHeaders, 'idempotency-key': key }),
    BENCH_BODY: JSON.stringify({ title: `bench ${label}`, integration: 'amplitude', target_platform: 'iOS' })
  })
  const ended = Date.now()
  if (result.code !== 0 || !/^[A-Za-z0-9]{8}$/.test(result.stdout))
    throw new Error(`${kind} run "${label}" failed (exit ${result.code}): ${result.stderr.trim()}`)
  return { ms: result.ms, rss: readRss(rssFile), ...phases(ended - result.ms, ended, key) }
}

/** The headers of the action's newest create, minus those node:http and fetch set themselves. */
function headersOfLastCreate() {
  const create = emu
    .requests()
    .filter((r) => r.method === CREATE.method && r.path === CREATE.path)
    .at(-1)
  if (!create) throw new Error('the warm-up action run sent no create')
  /** @type {Record<string, string>} */
  const headers = {}
  const own = ['host', 'connection', 'content-length', 'accept-encoding', 'accept-language', 'sec-fetch-mode']
  for (const [name, value] of Object.entries(create.headers))
    if (!own.includes(name)) headers[name] = String(value)
  return headers
}

// ---------- scenarios ----------

/** One self-overwriting progress line on a terminal; a CI log gets nothing but the result. @param {string} text */
function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`)
}

/** @param {number} runs @returns {Promise<Record<Kind, Sample[]>>} */
async function coldRuns(runs) {
  /** @type {Record<Kind, Sample[]>} */
  const samples = { action: [], floor: [], fetch: [] }
  /** @type {Kind[]} */
  const kinds = ['action', 'floor', 'fetch']
  for (let round = 1; round <= runs; round++) {
    // Forward, then backward: each kind goes first and last equally often, so a drift in load is shared.
    for (const kind of round % 2 ? kinds : [...kinds].reverse()) {
      const label = `${kind} ${round}`
      samples[kind].push(kind === 'action' ? await actionRun(label) : await scriptRun(kind, label))
    }
    progress(`cold runs: round ${round}/${runs}`)
  }
  return samples
}

/**
 * @param {number} repeat
 * @param {number} coldMedianMs
 * @returns {Promise<RateRun>}
 */
async function rateLimitedRun(repeat, coldMedianMs) {
  // A clean log and store for each repeat, so the checks below see this run only.
  emu.reset()
  emu.inject({
    match: CREATE,
    kind: 'rate-limit',
    count: RATE_LIMIT.count,
    retryAfter: RATE_LIMIT.retryAfterS
  })
  const run = await actionRun(`rate-limited ${repeat}`)
  const posts = emu.requests().filter((r) => r.method === CREATE.method && r.path === CREATE.path)
  const keys = new Set(posts.map((r) => r.headers['idempotency-key']))
  const statuses = posts.map((r) => r.status).join(',')
  const expected = [...Array(RATE_LIMIT.count).fill(429), 201].join(',')
  const records = emu.records('sandbox').length
  if (statuses !== expected || keys.size !== 1 || records !== 1) {
    throw new Error(
      `rate-limited run ${repeat}: expected ${RATE_LIMIT.count + 1} POSTs answered ${expected} under one ` +
        `Idempotency-Key and 1 record; got ${posts.length} POSTs (${statuses}), ${keys.size} key(s), ${records} record(s)`
    )
  }
  const waitedMs = run.ms - coldMedianMs
  // The emulator's arrival times see the waits directly: each gap is the wait plus one local round trip, with no
  // process start or exit in it (1 ms resolution).
  const arrivals = posts.map((r) => Date.parse(r.at))
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i])
  const serverWaitMs = gaps.reduce((a, b) => a + b, 0)
  return {
    ms: run.ms,
    waitedMs,
    overhead: (waitedMs - ASKED_MS) / ASKED_MS,
    gaps,
    serverWaitMs,
    serverOverhead: (serverWaitMs - ASKED_MS) / ASKED_MS
  }
}

// ---------- where the bundle's bytes come from ----------

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * A source map's `mappings`, per generated line, as [column, source index] segments (-1: no source).
 * @param {string} mappings
 * @returns {Array<Array<[number, number]>>}
 */
function decodeMappings(mappings) {
  /** @type {Array<Array<[number, number]>>} */
  const lines = []
  let source = 0
  for (const lineText of mappings.split(';')) {
    /** @type {Array<[number, number]>} */
    const segments = []
    let column = 0
    for (const segment of lineText.split(',')) {
      if (!segment) continue
      /** @type {number[]} */
      const fields = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) shift += 5
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      column += fields[0]
      if (fields.length > 1) source += fields[1]
      segments.push([column, fields.length > 1 ? source : -1])
    }
    lines.push(segments)
  }
  return lines
}

/**
 * `../node_modules/a/node_modules/@b/c/lib/x.js` → `a › @b/c` (a nested copy is named with its parent).
 * @param {string | undefined} source
 */
function ownerOf(source) {
  if (source === undefined) return '(no source: glue)'
  const parts = source.split('node_modules/').slice(1)
  if (parts.length > 0)
    return parts
      .map((p) => {
        const segs = p.split('/')
        return segs[0].startsWith('@') ? `${segs[0]}/${segs[1]}` : segs[0]
      })
      .join(' › ')
  return source.includes('src/') ? "src/ (the action's own code)" : '(webpack runtime, built-in module stubs)'
}

/**
 * The committed bundle is minified and keeps no module names, so this rebuilds it the same way (same ncc, same
 * --minify) with a source map into a temporary directory — dist/ is never touched — and charges every generated
 * byte to the source file its mapping segment points at.
 * @returns {Bundle}
 */
function analyzeBundle() {
  const out = join(tmp, 'bundle')
  const ncc = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  const args = [
    ncc,
    'build',
    'src/index.ts',
    '-o',
    out,
    '--minify',
    '--source-map',
    '--no-source-map-register',
    '-q'
  ]
  const build = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })
  if (build.status !== 0) {
    const error = `ncc build failed: ${(build.stderr || build.stdout || String(build.error)).trim().slice(-500)}`
    return { error, owners: [], rebuiltBytes: 0, modules: 0 }
  }
  const code = readFileSync(join(out, 'index.js'), 'utf8')
  /** @type {{ sources: string[], mappings: string }} */
  const map = JSON.parse(readFileSync(join(out, 'index.js.map'), 'utf8'))
  /** @type {Map<string, number>} */
  const bytes = new Map()
  /** @param {string} owner @param {number} n */
  const add = (owner, n) => bytes.set(owner, (bytes.get(owner) ?? 0) + n)
  const codeLines = code.split('\n')
  decodeMappings(map.mappings).forEach((segments, lineIndex) => {
    const text = codeLines[lineIndex] ?? ''
    let covered = 0
    segments.forEach(([column, source], i) => {
      const end = i + 1 < segments.length ? segments[i + 1][0] : text.length
      // Columns count UTF-16 units; the bundle is ASCII but for a few string literals, so this is bytes to within a few.
      add(ownerOf(source < 0 ? undefined : map.sources[source]), end - column)
      covered += end - column
    })
    add(ownerOf(undefined), text.length - covered + 1) // + the newline
  })
  const total = [...bytes.values()].reduce((a, b) => a + b, 0)
  return {
    owners: [...bytes.entries()]
      .map(([owner, n]) => ({ owner, bytes: n, share: n / total }))
      .sort((a, b) => b.bytes - a.bytes),
    // The rebuild ends with a sourceMappingURL comment that dist/index.js does not have.
    rebuiltBytes: Buffer.byteLength(code.replace(/\n\/\/# sourceMappingURL=.*$/, '')),
    modules: map.sources.filter((s) => s.includes('node_modules/')).length
  }
}

// ---------- the report ----------

/** @returns {Host} */
function describeHost() {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    load: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')
  }
}

/** @param {string[]} cells */
const row = (cells) => `| ${cells.join(' | ')} |`

/**
 * @param {{ runs: number, started: Date, totalMs: number, host: Host, cold: Record<Kind, Sample[]>, rate: RateRun[],
 *   distBytes: number, bundle: Bundle }} m
 */
function buildReport(m) {
  const time = {
    action: summarize(m.cold.action.map((s) => s.ms)),
    floor: summarize(m.cold.floor.map((s) => s.ms)),
    fetch: summarize(m.cold.fetch.map((s) => s.ms))
  }
  const ratio = time.action.median / time.floor.median
  const pairedRatio = median(m.cold.action.map((s, i) => s.ms / m.cold.floor[i].ms))
  const fetchRatio = time.fetch.median / time.floor.median
  const outside = median(m.rate.map((r) => r.overhead))
  const atServer = median(m.rate.map((r) => r.serverOverhead))
  const shortestGap = Math.min(...m.rate.flatMap((r) => r.gaps))
  /** @type {Budget[]} */
  const budgets = [
    {
      name: '`dist/index.js` ≤ 1 MiB',
      value: `${mib(m.distBytes)} (${bytesText(m.distBytes)} B)`,
      pass: m.distBytes <= MAX_DIST_BYTES
    },
    {
      name: 'cold run ≤ 3 × the floor (ratio of medians)',
      value: `${ratio.toFixed(2)} ×`,
      pass: ratio <= MAX_COLD_RATIO
    },
    {
      name: 'under 429: never sooner than Retry-After (every gap between attempts, at the server, ≥ 1000 ms)',
      value: `shortest gap ${shortestGap} ms`,
      pass: shortestGap >= RATE_LIMIT.retryAfterS * 1000
    },
    {
      name: 'under 429: ≤ 10 % longer than asked (median, measured at the server and from outside)',
      value: `${pct(atServer)} at the server, ${pct(outside)} from outside`,
      pass: atServer <= MAX_WAIT_OVERHEAD && outside <= MAX_WAIT_OVERHEAD
    }
  ]

  /** @param {string} name @param {Kind} kind */
  const coldRow = (name, kind) => {
    const s = m.cold[kind]
    return row([
      name,
      `**${ms(time[kind].median)}**`,
      ms(time[kind].min),
      ms(time[kind].max),
      ms(median(s.map((x) => x.startupMs))),
      ms(median(s.map((x) => x.tailMs))),
      mib(median(s.map((x) => x.rss))),
      mib(Math.max(...s.map((x) => x.rss)))
    ])
  }
  const command = m.runs === DEFAULT_RUNS ? '`npm run bench`' : `\`npm run bench -- --runs ${m.runs}\``
  const lines = [
    '<!-- Written by `npm run bench` (scripts/bench.mjs). Rerun it rather than editing figures by hand. -->',
    '',
    '# Benchmarks',
    '',
    `- **Date:** ${m.started.toISOString()}`,
    `- **Machine:** ${m.host.cpu}, ${m.host.cores} cores, ${m.host.memory} RAM, ${m.host.platform}; load average at start ${m.host.load}`,
    `- **Node:** ${m.host.node} (the runner runs the action with \`node24\`)`,
    `- **Command:** ${command} — ${m.runs} interleaved rounds, ${(m.totalMs / 1000).toFixed(0)} s in all`,
    '',
    '## Budgets',
    '',
    row(['Budget', 'Measured', 'Result']),
    row(['---', '---', '---']),
    ...budgets.map((b) => row([b.name, b.value, `**${b.pass ? 'PASS' : 'FAIL'}**`])),
    '',
    '## Cold run',
    '',
    '- **action**: `node dist/index.js` started by `scripts/run-action.mjs` as the runner starts it (INPUT\\_\\*',
    '  variables with the action.yml defaults, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), creating one integration in',
    '  the in-process emulator.',
    '- **floor**: a bare `node` script sending the same POST (the action’s own headers and body) with `node:http`,',
    '  reading the answer and exiting. The budget is on action ÷ floor.',
    '- **global fetch** (not budgeted): the same bare script with Node’s global `fetch` — the reason the action sends with `node:http` (undici’s fetch only behind a proxy).',
    '',
    'Wall time is measured in this process from just before spawn to the child closing. *Startup* is spawn → the',
    'request reaching the emulator; *tail* is that arrival → exit (answer, outputs, summary, process exit).',
    'Peak RSS is the child’s own `maxRSS`.',
    '',
    row(['', 'median', 'min', 'max', 'startup', 'tail', 'peak RSS (median)', 'peak RSS (max)']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    coldRow(`action (${m.runs} runs)`, 'action'),
    coldRow(`floor (${m.runs} runs)`, 'floor'),
    coldRow(`global fetch (${m.runs} runs)`, 'fetch'),
    '',
    `- **action ÷ floor: ${ratio.toFixed(2)} ×** (ratio of medians; the median of the per-round ratios is ${pairedRatio.toFixed(2)} ×).`,
    `- global fetch ÷ floor: ${fetchRatio.toFixed(2)} ×.`,
    '',
    '## Under rate limiting',
    '',
    `The emulator answers the first ${RATE_LIMIT.count} creates with 429 and \`Retry-After: ${RATE_LIMIT.retryAfterS}\`; the action`,
    `(default \`max-attempts: 4\`) is asked to wait ${ASKED_MS / 1000} s in all. Each repeat checks, in the emulator, that`,
    `exactly ${RATE_LIMIT.count + 1} POSTs went out under one Idempotency-Key and that exactly one record exists.`,
    '',
    '- *from outside*: the run’s wall time − the median cold run above.',
    '- *at the server*: the sum of the gaps between the attempts’ arrivals (each = one wait + one local round trip).',
    '',
    row(['Repeat', 'wall', 'waited (outside)', 'overhead', 'waited (server)', 'overhead', 'gaps']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---']),
    ...m.rate.map((r, i) =>
      row([
        String(i + 1),
        ms(r.ms),
        ms(r.waitedMs),
        pct(r.overhead),
        `${r.serverWaitMs} ms`,
        pct(r.serverOverhead),
        r.gaps.map((g) => `${g} ms`).join(', ')
      ])
    ),
    row(['**median**', '', '', `**${pct(outside)}**`, '', `**${pct(atServer)}**`, `asked ${ASKED_MS} ms`]),
    '',
    '## Size of `dist/index.js`',
    '',
    `${bytesText(m.distBytes)} bytes (${mib(m.distBytes)}), ${((m.distBytes / MAX_DIST_BYTES) * 100).toFixed(0)} % of the budget.`,
    ''
  ]
  if (m.bundle.error) lines.push(`Attribution unavailable: ${m.bundle.error}`, '')
  else {
    const same = m.bundle.rebuiltBytes === m.distBytes
    lines.push(
      'Where the bytes come from: `src/index.ts` rebuilt with the same ncc and `--minify` plus a source map (in a',
      'temporary directory), each minified byte charged to the file its mapping points at',
      `(${m.bundle.modules} files from node_modules). ` +
        (same
          ? 'The rebuild has exactly the size of the committed `dist/index.js`.'
          : `**The rebuild is ${bytesText(m.bundle.rebuiltBytes)} bytes, not ${bytesText(m.distBytes)}: \`dist/\` is not the build of the current \`src/\`** (\`npm run bundle\`); the shares are the rebuild’s.`),
      '',
      row(['Package', 'size', 'share']),
      row(['---', '---:', '---:']),
      ...m.bundle.owners
        .slice(0, 12)
        .map((o) => row([o.owner, kib(o.bytes), `${(o.share * 100).toFixed(1)} %`])),
      ''
    )
  }
  lines.push(
    '## How to read this',
    '',
    '- Read the action and the floor **side by side within one run**: rounds alternate which goes first, so both',
    '  see the same machine load. Absolute milliseconds move between runs on a shared machine (2 cores here); the',
    '  ratios are what the budgets are on and what should hold from run to run.',
    '- The floor is the price of starting Node and making one request. Above it, the action pays for loading its',
    '  bundle (startup) and for what follows the answer (tail). A tail far above the floor’s is time spent after',
    '  the work is done: on Node 20 a process that used `fetch` waits at exit for V8 to finish optimising its',
    '  WebAssembly HTTP parser; the global fetch row shows that cost, which the action avoids by using `node:http`.',
    '- Under 429 the *from outside* figure subtracts a whole cold run, exit wait included; during the waits that',
    '  exit-time work is already done, so on Node 20 it reads a few % under the true wait. The gaps at the server',
    '  have no start or exit in them: they decide “never sooner”, and both figures must stay within + 10 %.',
    '- Under the runner’s Node 24: `npx -y -p node@24 npm run bench` (the figures then say Node v24).',
    '- `npm run bench` exits 1 when a budget fails, after writing this file; a run that errors writes nothing.',
    ''
  )
  return {
    text: lines.join('\n'),
    budgets,
    time,
    ratio,
    pairedRatio,
    fetchRatio,
    outside,
    atServer,
    shortestGap
  }
}

/**
 * Formats the report with the repository's prettier settings, so `npm run format:check` passes right after a
 * bench run; without prettier the text is written as built.
 * @param {string} text @param {string} file
 */
async function formatMarkdown(text, file) {
  try {
    const prettier = await import('prettier')
    const config = (await prettier.resolveConfig(file)) ?? {}
    return await prettier.format(text, { ...config, filepath: file })
  } catch {
    return text
  }
}

/**
 * @param {ReturnType<typeof buildReport>} r
 * @param {Record<Kind, Sample[]>} cold
 * @param {number} distBytes
 * @param {Bundle} bundle
 */
function printSummary(r, cold, distBytes, bundle) {
  /** @param {Kind} kind */
  const line = (kind) =>
    `${kind.padEnd(7)} ${ms(r.time[kind].median).padStart(9)}  (min ${ms(r.time[kind].min)}, max ${ms(r.time[kind].max)}; ` +
    `startup ${ms(median(cold[kind].map((s) => s.startupMs)))}, tail ${ms(median(cold[kind].map((s) => s.tailMs)))}; ` +
    `peak RSS ${mib(median(cold[kind].map((s) => s.rss)))})`
  const out = [
    '',
    `cold run  ${line('action')}`,
    `          ${line('floor')}`,
    `          ${line('fetch')}`,
    `          action ÷ floor ${r.ratio.toFixed(2)} × (per-round ${r.pairedRatio.toFixed(2)} ×); fetch ÷ floor ${r.fetchRatio.toFixed(2)} ×`,
    `429 × ${RATE_LIMIT.count}   overhead ${pct(r.atServer)} at the server, ${pct(r.outside)} from outside; shortest gap ${r.shortestGap} ms`,
    `dist      ${mib(distBytes)} (${bytesText(distBytes)} B)`,
    ...bundle.owners
      .slice(0, 6)
      .map(
        (o) =>
          `          ${kib(o.bytes).padStart(10)} ${(o.share * 100).toFixed(1).padStart(5)} %  ${o.owner}`
      ),
    '',
    ...r.budgets.map((b) => `${b.pass ? 'PASS' : 'FAIL'}  ${b.name}: ${b.value}`)
  ]
  console.log(out.join('\n'))
}

// ---------- main ----------

let options
try {
  options = parseArgs(process.argv.slice(2))
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
}
if (options.help) {
  console.log(
    `usage: npm run bench [-- --runs N]   N ≥ ${MIN_RUNS}, default ${DEFAULT_RUNS}; writes BENCHMARKS.md`
  )
  process.exit(0)
}
if (!existsSync(DIST)) {
  console.error('bench: dist/index.js is missing; run `npm run bundle` first')
  process.exit(2)
}

const started = new Date()
const t0 = performance.now()
const host = describeHost()
const tmp = mkdtempSync(join(os.tmpdir(), 'qia-bench-'))
const preloadFile = join(tmp, 'preload.cjs')
const floorFile = join(tmp, 'floor.mjs')
const fetchFile = join(tmp, 'fetch.mjs')
writeFileSync(preloadFile, PRELOAD)
writeFileSync(floorFile, FLOOR)
writeFileSync(fetchFile, FETCH_REFERENCE)
const emu = await start({ port: 0 })

let exitCode = 0
try {
  console.error(
    `bench: ${options.runs} rounds, emulator at ${emu.apiUrl}, Node ${host.node}, ${host.cores} cores`
  )
  // Warm-up, not counted: puts node, dist/index.js and the scripts in the OS file cache and warms the emulator.
  await actionRun('warm-up')
  actionHeaders = headersOfLastCreate()
  await scriptRun('floor', 'warm-up')
  await scriptRun('fetch', 'warm-up')

  const cold = await coldRuns(options.runs)
  const coldMedianMs = median(cold.action.map((s) => s.ms))
  /** @type {RateRun[]} */
  const rate = []
  for (let repeat = 1; repeat <= RATE_LIMIT_REPEATS; repeat++) {
    progress(`rate-limited runs: ${repeat}/${RATE_LIMIT_REPEATS}`)
    rate.push(await rateLimitedRun(repeat, coldMedianMs))
  }

  if (process.stderr.isTTY) process.stderr.write('\n')
  const distBytes = statSync(DIST).size
  // Last: the rebuild loads both cores and would skew any timing taken beside it.
  process.stderr.write('bundle attribution: rebuilding with a source map…\n')
  const bundle = analyzeBundle()

  const report = buildReport({
    runs: options.runs,
    started,
    totalMs: performance.now() - t0,
    host,
    cold,
    rate,
    distBytes,
    bundle
  })
  const target = join(ROOT, 'BENCHMARKS.md')
  writeFileSync(target, await formatMarkdown(report.text, target))
  printSummary(report, cold, distBytes, bundle)
  console.log('\nwrote BENCHMARKS.md')
  if (report.budgets.some((b) => !b.pass)) exitCode = 1
} catch (error) {
  // A broken run (a failed action, a wrong request count) is no measurement: nothing is written.
  console.error(`\nbench: ${error instanceof Error ? error.message : String(error)}`)
  exitCode = 1
} finally {
  await emu.close()
  rmSync(tmp, { recursive: true, force: true })
}
process.exit(exitCode)
