// The manifest action's `apply` of 21 entries (7 providers × 3 stores) against the emulator with 50 ms latency:
// concurrency 4 against 1, side by side in one run, and under a rate limit (no retry before Retry-After, none lost).
// @ts-check
import { runAction } from './run-action.mjs'

const PROVIDERS = ['amplitude', 'mixpanel', 'posthog', 'segment', 'amazon_s3', 'slack', 'webhooks']
const STORES = ['iOS', 'Android', 'Stripe']
const MAX_CONCURRENT_RATIO = 1 / 3
const FILE = [
  'integrations:',
  ...PROVIDERS.flatMap((provider) =>
    STORES.map((store) => `  - title: ${provider} ${store}\n    provider: ${provider}\n    store: ${store}`)
  ),
  ''
].join('\n')
const ENTRIES = PROVIDERS.length * STORES.length

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

let runId = 70000
/**
 * One `apply` from an empty project; fails the benchmark unless every entry exists exactly once.
 * @param {import('./bench.mjs').Context} ctx @param {number} concurrency
 */
async function apply(ctx, concurrency) {
  const result = await runAction({
    action: 'manifest',
    inputs: {
      mode: 'apply',
      'secret-key': 'test_sk_emulator',
      'api-url': ctx.emu.apiUrl,
      concurrency: String(concurrency),
      'max-attempts': '10'
    },
    files: { '.github/qonversion-integrations.yml': FILE },
    run: { id: String(++runId), attempt: '1' }
  })
  const records = ctx.emu.records('sandbox').filter((r) => !r.deleted)
  const distinct = new Set(records.map((r) => `${r.title}/${r.target_platform}`)).size
  if (result.code !== 0 || records.length !== ENTRIES || distinct !== ENTRIES) {
    throw new Error(
      `apply (concurrency ${concurrency}): exit ${result.code}, ${records.length} records\n${result.stdout}`
    )
  }
  // The API phase: first request's arrival to last answer, as the emulator saw them. The process start is the same
  // for both concurrencies and is measured by the cold-run section; counting it here would only dilute the ratio.
  const log = ctx.emu.requests()
  const phase = Date.parse(log[log.length - 1].answeredAt ?? log[log.length - 1].at) - Date.parse(log[0].at)
  return { process: result.ms, phase }
}

/** @param {import('./bench.mjs').Context} ctx @returns {Promise<import('./bench.mjs').Section>} */
export async function manifestApply(ctx) {
  /** @type {Record<number, { process: number, phase: number }[]>} */
  const times = { 1: [], 4: [] }
  for (let round = 0; round < 3; round++) {
    for (const concurrency of [1, 4]) {
      ctx.emu.reset()
      ctx.emu.configure({ latencyMs: 50 })
      times[concurrency].push(await apply(ctx, concurrency))
    }
  }
  const phase = (/** @type {number} */ c) => median(times[c].map((t) => t.phase))
  const whole = (/** @type {number} */ c) => median(times[c].map((t) => t.process))
  const ratio = phase(4) / phase(1)

  ctx.emu.reset()
  ctx.emu.configure({ latencyMs: 50, rateLimit: 10, retryAfter: 1 })
  await apply(ctx, 4)
  const log = ctx.emu.requests()
  const limited = log.filter((r) => r.status === 429)
  // A retry is the same request again (method, path, key): it must not arrive before its 429 allowed.
  const same = (/** @type {typeof log[number]} */ a, /** @type {typeof log[number]} */ b) =>
    a.method === b.method &&
    a.path === b.path &&
    a.headers['idempotency-key'] === b.headers['idempotency-key']
  let early = 0
  log.forEach((request, i) => {
    const before = log
      .slice(0, i)
      .filter((r) => r.status === 429 && same(r, request))
      .pop()
    if (
      before &&
      Date.parse(request.at) < Date.parse(before.answeredAt ?? before.at) + (before.retryAfter ?? 0) * 1000
    )
      early++
  })
  ctx.emu.reset()
  const lines = [
    `\`apply\` of ${ENTRIES} entries (${PROVIDERS.length} providers × ${STORES.length} stores, each created and ` +
      `activated: ${2 * ENTRIES + 1} requests), emulator latency 50 ms, 3 rounds alternating. API phase (first ` +
      `request to last answer at the emulator): concurrency 1 median ${phase(1).toFixed(0)} ms, concurrency 4 ` +
      `${phase(4).toFixed(0)} ms (${ratio.toFixed(2)} ×). Whole process, start-up included: ${whole(1).toFixed(0)} ms ` +
      `and ${whole(4).toFixed(0)} ms (${(whole(4) / whole(1)).toFixed(2)} ×).`,
    `Under a rate limit of 10 requests/s (429, \`Retry-After: 1\`), concurrency 4: ${log.length} requests in all, ` +
      `${limited.length} answered 429, ${early} retried before Retry-After allowed; all ${ENTRIES} entries created once.`
  ]
  return {
    title: 'Manifest apply',
    lines,
    budgets: [
      {
        name: 'manifest apply, API phase: concurrency 4 ≤ 1/3 of concurrency 1',
        value: `${ratio.toFixed(2)} ×`,
        pass: ratio <= MAX_CONCURRENT_RATIO
      },
      {
        name: 'manifest apply under 429: no retry before Retry-After, no entry lost',
        value: `${early} early, ${ENTRIES}/${ENTRIES} created`,
        pass: early === 0
      }
    ]
  }
}
