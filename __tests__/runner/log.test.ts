// The redacting log: a masked secret and a URL's password never reach a line.
import { describe, expect, it, jest } from '@jest/globals'
import { redactingLog } from '../../src/runner/log.js'

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
