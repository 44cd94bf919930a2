// The one place that decides, per wanted integration, what to do: pure, from the wanted list, what the project
// holds and the catalog. The single step is the one-entry case; the manifest lists many.
import { catalogProblems, type Catalog } from './catalog.js'
import { liveRecords, providerVerdict, sameTitleAndStore, slugOf } from './match.js'
import type { IntegrationRecord } from './record.js'
import { neutralise } from './untrusted.js'

export interface Wanted {
  title: string
  provider: string
  store: string
  /** The state it should end in: true active, false paused, undefined either (the single step without `activate`). */
  active: boolean | undefined
  /** Where it was asked for, for messages: `the step's inputs`, or `file.yml:12`. */
  source: string
  /** The file and line of a manifest entry, for annotations on it. */
  at?: { file: string; line: number }
}

/**
 * What to do when a matching record exists: `create` never looks; `reuse` returns it; `fail` stops; `manage` (the
 * manifest) treats title + store as identity, so a record of another provider there is a conflict too.
 */
export type OnMatch = 'create' | 'reuse' | 'fail' | 'manage'

export interface PlanRules {
  onMatch: OnMatch
  /** Records nobody asked for (manifest only): left alone, or paused when active. */
  prune: 'false' | 'pause'
  /** GITHUB_RUN_ATTEMPT > 1: the match may be this run's own first attempt's record. */
  rerun: boolean
}

/** `invalid`: the live catalog says Qonversion would refuse the provider or store (manifest only). */
export type Action = 'create' | 'reuse' | 'activate' | 'pause' | 'nothing' | 'conflict' | 'invalid'

export interface Decision {
  /** Undefined for a record the manifest does not list (unmanaged). */
  wanted?: Wanted
  action: Action
  /** The existing record the decision is about (none for a create). */
  record?: IntegrationRecord
  /** For a conflict or an invalid entry: what was found and how to resolve it. */
  reason?: string
  /** Manifest only: the catalog could not be read, so the provider and store were not checked against it. */
  unchecked?: true
}

/** Actions that send a request. */
export const WRITES: readonly Action[] = ['create', 'activate', 'pause']

/** Decisions that fail the entry without sending anything. */
export const REFUSALS: readonly Action[] = ['conflict', 'invalid']

/**
 * Everything apply will do for a decision, in the words of the plan table: a create says whether it activates
 * (the manifest activates by default, the single step creates paused), a pause whether it is `prune`'s.
 */
export function effectOf(decision: Decision): string {
  switch (decision.action) {
    case 'create':
      return decision.wanted?.active === true ? 'create + activate' : 'create (paused)'
    case 'pause':
      return decision.wanted ? 'pause' : 'pause (prune)'
    case 'reuse':
    case 'nothing':
      return 'none'
    default:
      return decision.action
  }
}

const describe = (w: Wanted): string => `“${w.title}” (${w.provider}, ${w.store})`
/** The records a reason names, their server text neutralised: a reason is printed (log, summary, annotation). */
const listed = (records: IntegrationRecord[]): string =>
  records
    .map((r) => `  - ${r.id}: provider “${neutralise(r.integration, 200)}”, store ${r.target_platform}`)
    .join('\n')

function conflictOfUnknown(wanted: Wanted, unknown: IntegrationRecord[], catalog: Catalog): Decision {
  return {
    wanted,
    action: 'conflict',
    record: unknown[0],
    reason:
      `Cannot tell whether ${unknown.length === 1 ? 'this integration is' : 'these integrations are'} ` +
      `\`${wanted.provider}\`, so none is reused on a guess (${catalog.live ? 'the provider catalog does not name it' : 'the provider catalog could not be read'}):\n` +
      `${listed(unknown)}\n` +
      'Make the match unambiguous: give this integration a title no other integration on this store has, or delete ' +
      'the other one in the Qonversion dashboard' +
      (catalog.live ? '.' : ', or run again when the catalog (GET /integrations/meta) can be read.')
  }
}

function conflictOfMany(wanted: Wanted, matches: IntegrationRecord[]): Decision {
  return {
    wanted,
    action: 'conflict',
    record: matches[0],
    reason:
      `Found ${matches.length} integrations ${describe(wanted)}; the match must be unique:\n${listed(matches)}\n` +
      'Two runs racing (without a `concurrency:` group) are the likely cause. Keep one — the oldest, or the one with ' +
      'credentials set in the dashboard — delete the others in the Qonversion dashboard, and add a `concurrency:` ' +
      'group to the workflow (see the README).'
  }
}

function conflictOfExisting(wanted: Wanted, match: IntegrationRecord, policy: PlanRules): Decision {
  return {
    wanted,
    action: 'conflict',
    record: match,
    reason:
      `An integration ${describe(wanted)} already exists: ${match.id}. \`if-exists: fail\` stops here.` +
      (policy.rerun
        ? ' This is a re-run (GITHUB_RUN_ATTEMPT > 1): the record may be the one this run’s first attempt created; ' +
          'the API gives no safe way to tell it from someone else’s. Use `if-exists: reuse` to return it instead.'
        : ' Use `if-exists: reuse` to return it instead.')
  }
}

function conflictOfOtherProvider(wanted: Wanted, others: IntegrationRecord[]): Decision {
  return {
    wanted,
    action: 'conflict',
    record: others[0],
    reason:
      `${describe(wanted)}: the project has an integration with this title and store but another provider:\n` +
      `${listed(others)}\n` +
      'It is never replaced automatically (the API has no update, and delete + create loses the credentials set ' +
      'in the dashboard). To keep both, rename this entry (a title no integration on this store has). If the ' +
      'entry is meant to be that integration, set its provider to the one listed. Delete the other integration in ' +
      'the dashboard only if it is no longer wanted.'
  }
}

/** The state change a found record needs to end as wanted, if any. */
function reconcile(wanted: Wanted, record: IntegrationRecord): Decision {
  if (wanted.active === true && record.active !== 1) return { wanted, action: 'activate', record }
  if (wanted.active === false && record.active !== 0) return { wanted, action: 'pause', record }
  return { wanted, action: 'reuse', record }
}

/**
 * What the live catalog refuses in a manifest entry, checked before any match: a slug it does not know is a typo
 * first, even where a record of another provider holds the title and store — that record's provider is then the
 * likely meaning. The documented snapshot never refuses (Qonversion adds providers), so it decides nothing here.
 */
function refusedByCatalog(
  wanted: Wanted,
  candidates: IntegrationRecord[],
  catalog: Catalog
): Decision | undefined {
  if (!catalog.live) return undefined
  const problems = catalogProblems(catalog, wanted.provider, wanted.store)
  if (problems.length === 0) return undefined
  const known = catalog.entries.some((e) => e.slug === wanted.provider)
  const held = known
    ? undefined
    : candidates
        .map((r) => ({ record: r, slug: slugOf(catalog, r.integration) }))
        .find((c) => c.slug !== undefined)
  const reason = held
    ? `\`${wanted.provider}\` is not in Qonversion's provider catalog; did you mean \`${held.slug}\`? ` +
      `The project's integration ${held.record.id} with this title and store is \`${held.slug}\`.`
    : problems.join(' ')
  return { wanted, action: 'invalid', record: held?.record, reason }
}

function decideOne(
  wanted: Wanted,
  records: IntegrationRecord[],
  catalog: Catalog,
  policy: PlanRules
): Decision {
  if (policy.onMatch === 'create') return { wanted, action: 'create' }
  const candidates = sameTitleAndStore(records, wanted.title, wanted.store)
  if (policy.onMatch === 'manage') {
    const refused = refusedByCatalog(wanted, candidates, catalog)
    if (refused) return refused
  }
  const verdicts = candidates.map((r) => providerVerdict(r.integration, wanted.provider, catalog))
  const pick = (v: string) => candidates.filter((_, i) => verdicts[i] === v)
  const [same, other, unknown] = [pick('same'), pick('other'), pick('unknown')]
  if (unknown.length > 0) return conflictOfUnknown(wanted, unknown, catalog)
  if (policy.onMatch === 'manage' && other.length > 0) return conflictOfOtherProvider(wanted, other)
  if (same.length > 1) return conflictOfMany(wanted, same)
  if (same.length === 0) return { wanted, action: 'create' }
  if (policy.onMatch === 'fail') return conflictOfExisting(wanted, same[0], policy)
  return reconcile(wanted, same[0])
}

/** Decisions for every wanted entry, in order, then (manifest) one per record the list does not name. */
export function plan(
  wanted: Wanted[],
  records: IntegrationRecord[],
  catalog: Catalog,
  policy: PlanRules
): Decision[] {
  const decisions = wanted.map((w) => {
    const decision = decideOne(w, records, catalog, policy)
    // Without the live catalog nothing about the provider or store was checked: the row says so.
    return policy.onMatch === 'manage' && !catalog.live ? { ...decision, unchecked: true as const } : decision
  })
  if (policy.onMatch !== 'manage') return decisions
  const claimed = (r: IntegrationRecord): boolean =>
    wanted.some((w) => w.title === r.title && w.store === r.target_platform)
  for (const record of liveRecords(records).filter((r) => !claimed(r))) {
    decisions.push({ action: policy.prune === 'pause' && record.active === 1 ? 'pause' : 'nothing', record })
  }
  return decisions
}
