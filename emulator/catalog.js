// The provider catalog the emulator accepts and serves from GET /v4/integrations/meta.
// @ts-check

/** @typedef {'iOS' | 'Android' | 'Stripe'} Platform */
/** @typedef {{ slug: string, title: string, allowedStores: Platform[] }} Provider */
/** @typedef {{ category: string, title: string, integrations: Provider[] }} CatalogGroup */

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

const BY_SLUG = new Map(CATALOG.flatMap((group) => group.integrations).map((p) => [p.slug, p]))

/**
 * @param {string} slug
 * @returns {Provider | undefined}
 */
export function findProvider(slug) {
  return BY_SLUG.get(slug)
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
