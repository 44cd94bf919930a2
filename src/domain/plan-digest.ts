// The plan's fingerprint: what apply will do to which integration, hashed, so an apply can insist on the plan a
// reviewer saw. Pure: the same decisions always give the same digest, whatever order or time they came in.
import { createHash } from 'node:crypto'
import { effectOf, type Decision } from './plan.js'
import { titleOf } from './record.js'

/** Hex characters kept of the sha256: enough that two different plans never meet by chance, short enough to compare. */
export const DIGEST_LENGTH = 16

/** The digest's shape, for the `expect-plan` input. */
export const DIGEST_PATTERN = new RegExp(`^[0-9a-f]{${DIGEST_LENGTH}}$`)

/**
 * One tuple per decision that matters: title, store, provider, what apply will do, the current id. Health and times
 * are left out (they change without anyone touching the project), and so are unmanaged records left alone.
 */
export function digestItems(decisions: readonly Decision[]): [string, string, string, string, string][] {
  return decisions
    .filter((d) => d.wanted || d.action !== 'nothing')
    .map((d): [string, string, string, string, string] => [
      titleOf(d.wanted, d.record),
      d.wanted?.store ?? d.record?.target_platform ?? '',
      d.wanted?.provider ?? d.record?.integration ?? '',
      effectOf(d),
      d.record?.id ?? ''
    ])
    .map((item) => ({ item, key: JSON.stringify(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item)
}

/** The first DIGEST_LENGTH hex characters of sha256 over the items as canonical JSON (sorted, no spaces). */
export function planDigest(decisions: readonly Decision[]): string {
  return createHash('sha256')
    .update(JSON.stringify(digestItems(decisions)), 'utf8')
    .digest('hex')
    .slice(0, DIGEST_LENGTH)
}
