// What the provider catalog says about a slug and a store: the words that turn a 422 into a fix.
import { DOCUMENTED_PROVIDERS, closestNames, orList } from './suggest.js'
import type { CatalogEntry } from './record.js'
import { neutralise } from './untrusted.js'

/** Where the catalog came from decides how much it can tell: the documented snapshot knows no stores. */
export interface Catalog {
  entries: CatalogEntry[]
  live: boolean
}

export const SNAPSHOT_CATALOG: Catalog = {
  entries: DOCUMENTED_PROVIDERS.map((slug) => ({ slug })),
  live: false
}

/**
 * Problems the catalog sees with this provider and store, as sentences; empty when it sees none (or cannot
 * tell, as the snapshot cannot for stores). The catalog's own text is neutralised: these sentences are printed.
 */
export function catalogProblems(catalog: Catalog, provider: string, store: string): string[] {
  const entry = catalog.entries.find((e) => e.slug === provider)
  if (!entry) {
    const near = closestNames(
      provider,
      catalog.entries.map((e) => e.slug)
    ).map((slug) => neutralise(slug, 100))
    const source = catalog.live ? "Qonversion's provider catalog" : 'the documented provider list'
    return [`\`${provider}\` is not in ${source}` + (near.length ? `; did you mean ${orList(near)}?` : '.')]
  }
  const stores = entry.allowedStores
  if (stores && stores.length > 0 && !stores.includes(store)) {
    const sameLetters = stores.find((s) => s.toLowerCase() === store.toLowerCase())
    const shown = stores.map((s) => neutralise(s, 50))
    return [
      sameLetters
        ? `\`${provider}\` expects the store written \`${neutralise(sameLetters, 50)}\` (case-sensitive).`
        : `\`${provider}\` supports only ${shown.join(' and ').replace(/ and (?=.* and )/g, ', ')}, not ${store}.`
    ]
  }
  return []
}

/** The provider's display title (what list and create return as `integration`), when the catalog has one. */
export function displayTitleOf(catalog: Catalog, provider: string): string | undefined {
  return catalog.entries.find((e) => e.slug === provider)?.title
}
