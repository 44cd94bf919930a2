// "Did you mean …?" support: the documented provider snapshot and the closest-name search over any list of slugs.

/** Provider slugs from the Qonversion docs (a point-in-time snapshot: used for suggestions, never to refuse). */
export const DOCUMENTED_PROVIDERS: readonly string[] = [
  'amplitude',
  'appmetrica',
  'facebook',
  'firebase',
  'mixpanel',
  'posthog',
  'segment',
  'searchads',
  'adjust',
  'appsflyer',
  'branch',
  'kochava',
  'singular',
  'split_metrics',
  'asapty',
  'tenjin',
  'amazon_s3',
  'google_cloud_storage',
  'slack',
  'webhooks',
  'braze',
  'clevertap',
  'mailchimp',
  'onesignal',
  'pushwoosh'
]

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]
}

/**
 * The candidates closest to `name`, best first: those within a third of the name's length in edits, or that
 * contain it (so `apps` finds `appsflyer`). Comparison ignores case, `-` vs `_` and spaces.
 */
export function closestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const normal = (s: string): string => s.toLowerCase().replace(/[\s-]+/g, '_')
  const wanted = normal(name)
  if (wanted === '') return []
  const allowed = Math.max(2, Math.ceil(wanted.length / 3))
  return candidates
    .map((candidate) => {
      const c = normal(candidate)
      const distance = c.includes(wanted) || wanted.includes(c) ? 0.5 : editDistance(wanted, c)
      return { candidate, distance }
    })
    .filter(({ distance }) => distance <= allowed)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate)
}

/** "`a`", "`a` or `b`", "`a`, `b` or `c`". */
export function orList(names: readonly string[]): string {
  const quoted = names.map((n) => `\`${n}\``)
  return quoted.length <= 1
    ? quoted.join('')
    : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
}

/** The documented slug that `name` spells in other letter case (`Amplitude` → `amplitude`), or undefined. */
export function caseVariantOf(name: string): string | undefined {
  if (DOCUMENTED_PROVIDERS.includes(name)) return undefined
  return DOCUMENTED_PROVIDERS.find((slug) => slug === name.toLowerCase())
}
