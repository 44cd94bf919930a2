// Reading and validating inputs: defaults, normalisation, and the warnings for doubtful-but-allowed values.
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/domain/errors.js'
import { INPUT_DEFAULTS, parseSettings, type RawInputs } from '../../src/single/inputs.js'
import { environmentOf, readInputs } from '../../src/runner/inputs.js'

const raw = (overrides: Partial<RawInputs> = {}): RawInputs => ({
  ...INPUT_DEFAULTS,
  title: 'T',
  provider: 'amplitude',
  store: 'iOS',
  'secret-key': 'sk_abc',
  ...overrides
})

describe('readInputs', () => {
  it('reads every action.yml input once, applying defaults to empty values', () => {
    const asked: string[] = []
    const inputs = readInputs((name) => {
      asked.push(name)
      return name === 'title' ? '  Hello  ' : ''
    }, INPUT_DEFAULTS)
    expect(asked.sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort())
    expect(inputs.title).toBe('Hello')
    expect(inputs['api-url']).toBe('https://api.qonversion.io/v4')
    expect(inputs['max-attempts']).toBe('4')
  })
})

describe('parseSettings', () => {
  it('gives typed settings from the defaults', () => {
    expect(parseSettings(raw()).settings).toEqual({
      title: 'T',
      provider: 'amplitude',
      store: 'iOS',
      secretKey: 'sk_abc',
      activate: false,
      ifExists: 'create',
      idempotencyKey: undefined,
      apiUrl: 'https://api.qonversion.io/v4',
      maxAttempts: 4,
      timeoutMs: 30_000,
      dryRun: false,
      requirement: 'exists',
      waitSeconds: 0
    })
  })

  it.each(['Amplitude', 'AMPLITUDE', 'AppsFlyer'])(
    'refuses the case variant %s of a documented slug, naming the slug',
    (provider) => {
      expect(() => parseSettings(raw({ provider }))).toThrow(
        `Input \`provider\` is \`${provider}\`; provider slugs are lower-case: use \`${provider.toLowerCase()}\`.`
      )
    }
  )

  it('lets an unknown slug through with a warning (Qonversion adds providers)', () => {
    const { warnings } = parseSettings(raw({ provider: 'newprovider' }))
    expect(warnings[0]).toMatch(/`newprovider` is not in the documented list/)
  })

  it.each(['http://api.qonversion.io/v4', 'http://10.0.0.5:8787/v4', 'http://127.example.com/v4'])(
    'refuses plain http to %s: the key would cross the network unencrypted',
    (url) => {
      expect(() => parseSettings(raw({ 'api-url': url }))).toThrow(
        /plain http:\/\/ would send the Secret Key across the network unencrypted, so it is allowed only for localhost, 127\.0\.0\.0\/8 and ::1.*Use https:\/\//
      )
    }
  )

  it.each([
    'http://localhost:8787/v4',
    'http://127.0.0.1/v4',
    'http://127.1.2.3:1/v4',
    'http://[::1]:8787/v4'
  ])('allows plain http to the loopback address %s', (url) => {
    expect(parseSettings(raw({ 'api-url': url })).settings.apiUrl).toBe(url)
  })

  it('reads require and wait-seconds, and names what is allowed', () => {
    expect(parseSettings(raw({ require: 'Healthy', 'wait-seconds': '3600' })).settings).toMatchObject({
      requirement: 'healthy',
      waitSeconds: 3600
    })
    expect(() => parseSettings(raw({ require: 'working', 'wait-seconds': '3601' }))).toThrow(
      /Input `require` is `working`; it must be `exists`, `active`, `healthy` or `delivering`\.\n.*Input `wait-seconds` is `3601`; it must be a whole number from 0 to 3600 seconds\./
    )
  })

  it('accepts the booleans the runner accepts and trims trailing slashes from api-url', () => {
    const { settings } = parseSettings(
      raw({ activate: 'TRUE', 'dry-run': 'False', 'api-url': 'http://localhost:8787/v4//' })
    )
    expect(settings).toMatchObject({ activate: true, dryRun: false, apiUrl: 'http://localhost:8787/v4' })
  })

  it('counts a title in characters, not UTF-16 units', () => {
    expect(() => parseSettings(raw({ title: '🚀'.repeat(255) }))).not.toThrow()
    expect(() => parseSettings(raw({ title: '🚀'.repeat(256) }))).toThrow(/256 characters long/)
  })

  it('sends a title with tabs and emoji exactly, as core.getInput gives it (trimmed at both ends)', () => {
    const given = readInputs(
      (name) => (name === 'title' ? '\u00a0 Release\t🚀 webhook \u3000\n' : ''),
      INPUT_DEFAULTS
    )
    expect(parseSettings({ ...raw(), title: given.title }).settings.title).toBe('Release\t🚀 webhook')
  })

  it.each([
    ['a\nb', '`\\n`'],
    ['a\r\nb', '`\\r`'],
    ['a\u2028b', 'U+2028']
  ])('refuses a title with a line break inside (%j), naming the input', (title, shown) => {
    expect(() => parseSettings(raw({ title }))).toThrow(
      new InputError([
        `Input \`title\` has a line break (${shown}) inside; a title is one line: join it ` +
          '(in the workflow, `title: >` folds lines into one).'
      ])
    )
  })

  it.each([
    ['Android', 'Android'],
    ['android', 'case-sensitive: use `Android`.'],
    ['STRIPE', 'case-sensitive: use `Stripe`.'],
    ['Andriod', 'Did you mean `Android`'],
    ['', 'Input `store` is empty']
  ])('store %s', (store, expected) => {
    if (store === expected) expect(parseSettings(raw({ store })).settings.store).toBe(store)
    else expect(() => parseSettings(raw({ store }))).toThrow(expected)
  })

  it('refuses a key with spaces or line breaks without echoing it', () => {
    const attempt = () => parseSettings(raw({ 'secret-key': 'sk_abc\ndef' }))
    expect(attempt).toThrow(InputError)
    expect(attempt).toThrow(/contains spaces, line breaks/)
    try {
      attempt()
    } catch (error) {
      expect((error as Error).message).not.toContain('sk_abc')
    }
  })

  it('checks the idempotency-key input', () => {
    expect(parseSettings(raw({ 'idempotency-key': 'abc-1' })).settings.idempotencyKey).toBe('abc-1')
    expect(() => parseSettings(raw({ 'idempotency-key': 'has space' }))).toThrow(/printable ASCII/)
    expect(() => parseSettings(raw({ 'idempotency-key': 'k'.repeat(256) }))).toThrow(/1–255/)
  })

  it.each(['not a url', 'https://x.test/v4?a=1', 'file:///etc/passwd'])('refuses api-url %s', (url) => {
    expect(() => parseSettings(raw({ 'api-url': url }))).toThrow(/Input `api-url`/)
  })

  it.each([
    ['max-attempts', '11'],
    ['max-attempts', '2.5'],
    ['timeout-seconds', '301'],
    ['timeout-seconds', '-1']
  ] as const)('refuses %s = %s', (name, value) => {
    expect(() => parseSettings(raw({ [name]: value }))).toThrow(
      new RegExp(`Input \`${name}\` is \`${value}\``)
    )
  })

  it('warns about a key that is not a Secret Key', () => {
    expect(parseSettings(raw({ 'secret-key': 'pk_project' })).warnings).toEqual([
      expect.stringMatching(/does not start with `sk_` or `test_sk_`.*Project Key is refused with 401/)
    ])
    expect(parseSettings(raw({ 'secret-key': 'test_sk_x' })).warnings).toEqual([])
  })

  it('warns about an undocumented provider, with a suggestion only when one is close', () => {
    expect(parseSettings(raw({ provider: 'appsfyler' })).warnings[0]).toMatch(/did you mean `appsflyer`/)
    expect(parseSettings(raw({ provider: 'brandnewtool' })).warnings[0]).toMatch(
      /not in the documented list of providers\. Sending it anyway/
    )
  })
})

describe('environmentOf', () => {
  it('tells sandbox keys from production keys', () => {
    expect(environmentOf('test_sk_1')).toBe('sandbox')
    expect(environmentOf('sk_1')).toBe('production')
  })
})

describe('api-url with credentials is refused without echoing them', () => {
  const PASSWORD = 'hunter2-Zq9'
  const WITH_PASSWORD = `http://ci-bot:${PASSWORD}@qonversion.internal/v4`
  const single: RawInputs = {
    ...INPUT_DEFAULTS,
    title: 'T',
    provider: 'amplitude',
    store: 'iOS',
    'secret-key': 'sk_abc'
  }

  it.each([WITH_PASSWORD, `https://ci-bot:${PASSWORD}@qonversion.internal/v4`])(
    'the single action: %s',
    (url) => {
      let message = ''
      try {
        parseSettings({ ...single, 'api-url': url })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/^Input `api-url` is `https?:\/\/\*\*\*@qonversion\.internal\/v4`/)
      expect(message).not.toContain(PASSWORD)
      expect(message).not.toContain('ci-bot')
    }
  )
})
