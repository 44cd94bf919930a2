// What a record's delivery fields say about its health, and which healths each `require` accepts.
import { describe, expect, it } from '@jest/globals'
import {
  HEALTHS,
  REQUIREMENTS,
  adviceFor,
  healthOf,
  meets,
  type Health,
  type Requirement
} from '../../src/domain/health.js'
import { integrationRecordSchema } from '../../src/qonversion/schemas.js'

type Fields = Parameters<typeof healthOf>[0]

const active = (overrides: Partial<Fields> = {}): Fields => ({
  active: 1,
  last_delivery_at: null,
  last_error_at: null,
  last_error_message: null,
  delivery_error_count: 0,
  ...overrides
})

describe('healthOf', () => {
  const cases: [string, Fields, Health][] = [
    ['active 0 is paused', active({ active: 0 }), 'paused'],
    [
      'active 0 is paused, whatever the delivery fields say',
      active({ active: 0, delivery_error_count: 3, last_error_message: 'boom' }),
      'paused'
    ],
    ['active 2 is error', active({ active: 2 }), 'error'],
    [
      'active 2 is error, even with a recent delivery',
      active({ active: 2, last_delivery_at: '2026-11-27T10:00:00Z' }),
      'error'
    ],
    ['an active state the docs do not name (7) is error', active({ active: 7 }), 'error'],
    ['active 1 with a delivery error count is failing', active({ delivery_error_count: 1 }), 'failing'],
    [
      'a delivery error count wins over a later delivery',
      active({
        delivery_error_count: 2,
        last_delivery_at: '2026-11-27T12:00:00Z',
        last_error_at: '2026-11-27T10:00:00Z'
      }),
      'failing'
    ],
    [
      'an error later than the last delivery is failing',
      active({ last_delivery_at: '2026-11-27T10:00:00Z', last_error_at: '2026-11-27T10:00:01Z' }),
      'failing'
    ],
    [
      'an error message and no delivery at all is failing',
      active({ last_error_message: 'Invalid API key' }),
      'failing'
    ],
    [
      'an error time and no delivery at all is failing',
      active({ last_error_at: '2026-11-27T10:00:00Z' }),
      'failing'
    ],
    ['active 1, nothing delivered, no error is idle', active(), 'idle'],
    [
      'active 1, delivered, no error is healthy',
      active({ last_delivery_at: '2026-11-27T10:00:00Z' }),
      'healthy'
    ],
    [
      'an error before the last delivery is healthy again',
      active({
        last_delivery_at: '2026-11-27T10:00:01Z',
        last_error_at: '2026-11-27T10:00:00Z',
        last_error_message: 'Timeout'
      }),
      'healthy'
    ]
  ]
  it.each(cases)('%s', (_name, fields, health) => {
    expect(healthOf(fields)).toBe(health)
  })

  describe('boundary timestamps', () => {
    it('an error at the same instant as the delivery is healthy', () => {
      expect(
        healthOf(active({ last_delivery_at: '2026-11-27T10:00:00Z', last_error_at: '2026-11-27T10:00:00Z' }))
      ).toBe('healthy')
    })

    it('one millisecond later is failing', () => {
      expect(
        healthOf(
          active({ last_delivery_at: '2026-11-27T10:00:00.000Z', last_error_at: '2026-11-27T10:00:00.001Z' })
        )
      ).toBe('failing')
    })

    it('the same instant written with different offsets is healthy', () => {
      expect(
        healthOf(
          active({ last_delivery_at: '2026-11-27T12:00:00+02:00', last_error_at: '2026-11-27T10:00:00Z' })
        )
      ).toBe('healthy')
    })

    it('compares times, not strings: an error at 12:00+02:00 came before a delivery at 10:30Z', () => {
      // As text, "12:00" sorts after "10:30"; as times, 10:00Z is half an hour before 10:30Z.
      expect(
        healthOf(
          active({ last_error_at: '2026-11-27T12:00:00+02:00', last_delivery_at: '2026-11-27T10:30:00Z' })
        )
      ).toBe('healthy')
    })

    it('compares times, not strings: an error at 10:30Z came after a delivery at 12:00+02:00', () => {
      expect(
        healthOf(
          active({ last_delivery_at: '2026-11-27T12:00:00+02:00', last_error_at: '2026-11-27T10:30:00Z' })
        )
      ).toBe('failing')
    })
  })

  describe('missing fields', () => {
    it('no delivery_error_count counts as 0', () => {
      expect(healthOf({ active: 1, last_delivery_at: '2026-11-27T10:00:00Z' })).toBe('healthy')
      expect(healthOf({ active: 1 })).toBe('idle')
    })

    it('absent delivery fields on a paused or suspended record', () => {
      expect(healthOf({ active: 0 })).toBe('paused')
      expect(healthOf({ active: 2 })).toBe('error')
    })

    it('an empty error message is no error', () => {
      expect(healthOf(active({ last_error_message: '' }))).toBe('idle')
    })

    it('null and absent delivery times are the same', () => {
      expect(healthOf({ active: 1, last_error_message: 'boom' })).toBe('failing')
      expect(healthOf(active({ last_delivery_at: undefined, last_error_at: undefined }))).toBe('idle')
    })
  })
})

describe('unreadable delivery fields, as the API client reads them: never a pass the record does not earn', () => {
  const read = (fields: Record<string, unknown>) =>
    integrationRecordSchema.parse({
      id: 'gNl6hyM6',
      title: 'Amplitude — iOS',
      integration: 'Amplitude',
      target_platform: 'iOS',
      active: 1,
      ...fields
    })

  it('an error time that is not a time is an error: failing, with or without a delivery', () => {
    expect(healthOf(read({ last_error_at: 'not-a-date' }))).toBe('failing')
    expect(healthOf(read({ last_error_at: 'not-a-date', last_delivery_at: '2026-11-27T10:00:00Z' }))).toBe(
      'failing'
    )
  })

  it('a delivery time that is not a time is no delivery: idle, and read as null', () => {
    const record = read({ last_delivery_at: 'garbage' })
    expect(record.last_delivery_at).toBeNull()
    expect(healthOf(record)).toBe('idle')
  })

  it('a readable delivery time in another form is kept as ISO 8601; an ISO one as sent', () => {
    expect(read({ last_delivery_at: 'Fri, 27 Nov 2026 10:00:00 GMT' }).last_delivery_at).toBe(
      '2026-11-27T10:00:00.000Z'
    )
    expect(read({ last_delivery_at: '2026-11-27T11:00:00+01:00' }).last_delivery_at).toBe(
      '2026-11-27T11:00:00+01:00'
    )
  })

  it('a null error count is no count (0); a negative or fractional one is read, and is no clean count: failing', () => {
    expect(healthOf(read({ delivery_error_count: null, last_delivery_at: '2026-11-27T10:00:00Z' }))).toBe(
      'healthy'
    )
    for (const count of [-1, 1.5]) {
      const record = read({ delivery_error_count: count, last_delivery_at: '2026-11-27T10:00:00Z' })
      expect(record.delivery_error_count).toBe(count)
      expect(healthOf(record)).toBe('failing')
    }
  })
})

describe('meets: the requirement table', () => {
  // rows: requirement; columns: paused, error, failing, idle, healthy
  const table: Record<Requirement, [boolean, boolean, boolean, boolean, boolean]> = {
    //           paused error  failing idle   healthy
    exists: [true, true, true, true, true],
    active: [false, false, true, true, true],
    healthy: [false, false, false, true, true],
    delivering: [false, false, false, false, true]
  }
  const columns: Health[] = ['paused', 'error', 'failing', 'idle', 'healthy']

  it('covers every requirement and every health', () => {
    expect([...REQUIREMENTS].sort()).toEqual(Object.keys(table).sort())
    expect([...HEALTHS].sort()).toEqual([...columns].sort())
  })

  const cells = REQUIREMENTS.flatMap((requirement) =>
    columns.map((health, i) => [requirement, health, table[requirement][i]] as const)
  )
  it.each(cells)('require %s, health %s → %s', (requirement, health, expected) => {
    expect(meets(health, requirement)).toBe(expected)
  })
})

describe('adviceFor', () => {
  it.each([
    ['paused', /`activate: true`/],
    ['error', /fix the provider credentials in the Qonversion dashboard, then re-activate/],
    ['failing', /check the provider's credentials and quota/],
    ['idle', /credentials set in the Qonversion dashboard\?.*sandbox events enabled/],
    ['healthy', /delivering/]
  ] as const)('%s', (health, advice) => {
    expect(adviceFor(health)).toMatch(advice)
  })
})
