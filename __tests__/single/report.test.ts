// The single action's report as plain data: the outputs a record gives.
import { describe, expect, it } from '@jest/globals'
import { integrationRecordSchema } from '../../src/qonversion/schemas.js'
import { recordOutputs } from '../../src/single/report.js'
import { integration, record } from '../../__fixtures__/records.js'

describe('recordOutputs', () => {
  it('gives every output of a record exactly as sent, and the record itself as JSON', () => {
    const sent = record({
      integration: 'Amplitude\n',
      active: 1,
      last_error_message: 'a\tb',
      delivery_error_count: 2
    })
    const parsed = integrationRecordSchema.parse(sent)
    expect(recordOutputs(parsed)).toEqual({
      'integration-id': 'gNl6hyM6',
      status: '1',
      'status-label': 'active',
      url: '/v4/integrations/gNl6hyM6',
      'provider-title': 'Amplitude\n',
      'created-at': '2026-11-27T10:00:00Z',
      health: 'failing',
      'last-delivery-at': '',
      'delivery-error-count': '2',
      'last-error': 'a\tb',
      integration: JSON.stringify(parsed)
    })
  })

  it('fills what a minimal record lacks: its url from the id, no times, no errors', () => {
    expect(recordOutputs(integration({ id: 'MIN1', active: 0 }))).toMatchObject({
      url: '/v4/integrations/MIN1',
      'created-at': '',
      'last-delivery-at': '',
      'delivery-error-count': '0',
      'last-error': '',
      health: 'paused'
    })
  })
})
