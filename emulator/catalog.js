// The provider catalog the emulator accepts and serves from GET /v4/integrations/meta.
// @ts-check

/** @typedef {'iOS' | 'Android' | 'Stripe'} Platform */
/** @typedef {{ slug: string, title: string, allowedStores: Platform[] }} Provider */
/** @typedef {{ category: string, title: string, integrations: Provider[] }} CatalogGroup */
/** @typedef {{ slug: string, title: string, allowedStores: Platform[], category?: string }} ExtraProvider */
/**
 * @typedef {object} Catalog
 * @property {CatalogGroup[]} groups
 * @property {(slug: string) => Provider | undefined} find
 */

/** @type {readonly Platform[]} */
export const STORES = Object.freeze(['iOS', 'Android', 'Stripe'])

/** @type {Platform[]} */
const ALL = ['iOS', 'Android', 'Stripe']
/** @type {Platform[]} */
const MOBILE = ['iOS', 'Android']
/** @type {Platform[]} */
const IOS = ['iOS']

/**
 * The 25 slugs of the documented snapshot. Display titles and store sets are the emulator's guess:
 * Qonversion documents neither, so they follow what each provider can plausibly receive.
 * @type {readonly CatalogGroup[]}
 */
export const CATALOG = deepFreeze([
  {
    category: 'analytics',
    title: 'Analytics & marketing',
    integrations: [
      { slug: 'amplitude', title: 'Amplitude', allowedStores: ALL },
      { slug: 'appmetrica', title: 'AppMetrica', allowedStores: MOBILE },
      { slug: 'facebook', title: 'Facebook', allowedStores: MOBILE },
      { slug: 'firebase', title: 'Firebase', allowedStores: MOBILE },
      { slug: 'mixpanel', title: 'Mixpanel', allowedStores: ALL },
      { slug: 'posthog', title: 'PostHog', allowedStores: ALL },
      { slug: 'segment', title: 'Segment', allowedStores: ALL }
    ]
  },
  {
    category: 'attribution',
    title: 'Attribution',
    integrations: [
      { slug: 'searchads', title: 'Apple Search Ads', allowedStores: IOS },
      { slug: 'adjust', title: 'Adjust', allowedStores: MOBILE },
      { slug: 'appsflyer', title: 'AppsFlyer', allowedStores: MOBILE },
      { slug: 'branch', title: 'Branch', allowedStores: MOBILE },
      { slug: 'kochava', title: 'Kochava', allowedStores: MOBILE },
      { slug: 'singular', title: 'Singular', allowedStores: MOBILE },
      { slug: 'split_metrics', title: 'SplitMetrics', allowedStores: MOBILE },
      { slug: 'asapty', title: 'Asapty', allowedStores: IOS },
      { slug: 'tenjin', title: 'Tenjin', allowedStores: MOBILE }
    ]
  },
  {
    category: 'server',
    title: 'Server & data export',
    integrations: [
      { slug: 'amazon_s3', title: 'Amazon S3', allowedStores: ALL },
      { slug: 'google_cloud_storage', title: 'Google Cloud Storage', allowedStores: ALL },
      { slug: 'slack', title: 'Slack', allowedStores: ALL },
      { slug: 'webhooks', title: 'Webhooks', allowedStores: ALL }
    ]
  },
  {
    category: 'messaging',
    title: 'Email & push',
    integrations: [
      { slug: 'braze', title: 'Braze', allowedStores: ALL },
      { slug: 'clevertap', title: 'CleverTap', allowedStores: ALL },
      { slug: 'mailchimp', title: 'Mailchimp', allowedStores: ALL },
      { slug: 'onesignal', title: 'OneSignal', allowedStores: ALL },
      { slug: 'pushwoosh', title: 'Pushwoosh', allowedStores: MOBILE }
    ]
  }
])

/**
 * Extra providers let a test play a server whose live catalog is newer than any snapshot a client ships.
 * @param {readonly ExtraProvider[]} [extra]
 * @returns {Catalog}
 */
export function createCatalog(extra = []) {
  /** @type {CatalogGroup[]} */
  const groups = CATALOG.map((group) => ({ ...group, integrations: [...group.integrations] }))
  for (const provider of extra) {
    checkExtra(provider)
    const category = provider.category ?? 'analytics'
    let group = groups.find((g) => g.category === category)
    if (!group) {
      group = { category, title: category, integrations: [] }
      groups.push(group)
    }
    group.integrations.push({
      slug: provider.slug,
      title: provider.title,
      allowedStores: [...provider.allowedStores]
    })
  }
  /** @type {Map<string, Provider>} */
  const bySlug = new Map()
  for (const group of groups) {
    for (const provider of group.integrations) {
      if (bySlug.has(provider.slug)) throw new TypeError(`duplicate provider slug "${provider.slug}"`)
      bySlug.set(provider.slug, provider)
    }
  }
  return { groups, find: (slug) => bySlug.get(slug) }
}

/** @param {ExtraProvider} provider */
function checkExtra(provider) {
  const stores = provider?.allowedStores
  const ok =
    typeof provider?.slug === 'string' &&
    provider.slug.length > 0 &&
    typeof provider.title === 'string' &&
    Array.isArray(stores) &&
    stores.length > 0 &&
    stores.every((s) => STORES.includes(s))
  if (!ok) throw new TypeError(`invalid extra provider ${JSON.stringify(provider)}`)
}

/**
 * Frozen so that a test importing the catalog cannot change what the server accepts.
 * @template T
 * @param {T} value
 * @returns {T}
 */
function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
