// What a record's delivery fields say about whether its pipeline works, and what a step may demand of it.
import type { IntegrationRecord } from './record.js'

export const HEALTHS = ['paused', 'error', 'failing', 'idle', 'healthy'] as const
export type Health = (typeof HEALTHS)[number]

export const REQUIREMENTS = ['exists', 'active', 'healthy', 'delivering'] as const
export type Requirement = (typeof REQUIREMENTS)[number]

/** The healths each requirement accepts. */
const ACCEPTED: Record<Requirement, readonly Health[]> = {
  exists: HEALTHS,
  active: ['failing', 'idle', 'healthy'],
  healthy: ['idle', 'healthy'],
  delivering: ['healthy']
}

/** A time the API sent as epoch ms (compared as instants: offsets may differ), or undefined when absent or unreadable. */
export function instant(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

type DeliveryFields = Pick<
  IntegrationRecord,
  'active' | 'last_delivery_at' | 'last_error_at' | 'last_error_message' | 'delivery_error_count'
>

/**
 * paused (active 0); error (active 2, or any state the docs do not name: suspended by the delivery worker);
 * failing (active, and deliveries failed since the last success); idle (active, nothing delivered, no error);
 * healthy (active, delivered, no error since).
 */
export function healthOf(record: DeliveryFields): Health {
  if (record.active === 0) return 'paused'
  if (record.active !== 1) return 'error'
  const delivered = instant(record.last_delivery_at)
  // An error time that cannot be read is still an error, taken as later than any delivery: a gate must not pass on it.
  const errored = record.last_error_at ? (instant(record.last_error_at) ?? Infinity) : undefined
  const anError = errored !== undefined || Boolean(record.last_error_message)
  // A count other than 0 (a negative or fractional one is no clean count either) is failed deliveries.
  if ((record.delivery_error_count ?? 0) !== 0) return 'failing'
  if (errored !== undefined && delivered !== undefined && errored > delivered) return 'failing'
  if (delivered === undefined) return anError ? 'failing' : 'idle'
  return 'healthy'
}

export function meets(health: Health, requirement: Requirement): boolean {
  return ACCEPTED[requirement].includes(health)
}

/** What to do about a record in this health, for the failure message. */
export function adviceFor(health: Health): string {
  switch (health) {
    case 'paused':
      return 'It is paused: set `activate: true` (or `active: true` in the manifest) to turn it on.'
    case 'error':
      return 'Qonversion suspended it after failed deliveries: fix the provider credentials in the Qonversion dashboard, then re-activate it (`activate: true`).'
    case 'failing':
      return "Its deliveries are failing: check the provider's credentials and quota in the provider's console and in the Qonversion dashboard."
    case 'idle':
      return 'No event has been delivered yet: are the provider credentials set in the Qonversion dashboard? For a sandbox key, are sandbox events enabled for the integration?'
    case 'healthy':
      return 'It is delivering.'
  }
}
