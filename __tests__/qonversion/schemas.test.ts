// Response schemas keep server text exact: a record's fields read as sent, a repeated id listed once.
import { describe, expect, it } from '@jest/globals'
import { integrationListSchema, integrationResponseSchema } from '../../src/qonversion/schemas.js'
import { record } from '../../__fixtures__/records.js'

const TITLE = `A\tB${'😀'.repeat(252)}\n`

describe('parsing keeps server text exact', () => {
  it('a record’s title, provider, url, times and error message are read as sent', () => {
    const sent = record({
      title: TITLE,
      integration: 'Amplitude\r\n',
      url: `/v4/integrations/x?${'q'.repeat(400)}`,
      created_at: 'yesterday\t',
      last_error_message: '\u001b[31mred\u2028'
    })
    expect(integrationResponseSchema.parse(sent)).toEqual(sent)
    expect(integrationResponseSchema.parse({ data: sent })).toEqual(sent)
  })

  it('a list that repeats an id holds the record once, as first listed, in order', () => {
    const a = record({ id: 'A', active: 1 })
    const b = record({ id: 'B' })
    const parsed = integrationListSchema.parse({ data: [a, b, { ...a, active: 0 }, b] })
    expect(parsed.map((r) => [r.id, r.active])).toEqual([
      ['A', 1],
      ['B', 0]
    ])
  })
})
