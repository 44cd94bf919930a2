// The single action's report as plain data: the redacting log, the outputs a record gives, HTML escaping.
import { describe, expect, it, jest } from '@jest/globals'
import { integrationRecordSchema } from '../../src/qonversion/schemas.js'
import { escapeHtml, recordOutputs, redactingLog } from '../../src/single/report.js'
import { integration, record } from '../../__fixtures__/records.js'

const PASSWORD = 'hunter2-Zq9'
const WITH_PASSWORD = `http://ci-bot:${PASSWORD}@qonversion.internal/v4`

describe('the redacting log', () => {
  it('scrubs a URL password from any line, as it scrubs the key', () => {
    const log = redactingLog()
    expect(log.redact(`proxy said: GET ${WITH_PASSWORD}/integrations failed`)).toBe(
      'proxy said: GET http://***@qonversion.internal/v4/integrations failed'
    )
  })

  it('scrubs a masked secret from every later line, after telling the runner to mask it', () => {
    let stdout = ''
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString()
      return true
    })
    try {
      const log = redactingLog()
      log.mask('sk_live_secret')
      log.info('sent Bearer sk_live_secret to the API')
    } finally {
      write.mockRestore()
    }
    expect(stdout).toBe('::add-mask::sk_live_secret\nsent Bearer *** to the API\n')
  })
})

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

describe('escapeHtml', () => {
  it('escapes what would open a tag, an entity or an attribute', () => {
    expect(escapeHtml('<b title="x">&amp;</b>')).toBe('&lt;b title=&quot;x&quot;&gt;&amp;amp;&lt;/b&gt;')
  })
})
