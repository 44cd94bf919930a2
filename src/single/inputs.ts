// Reads every input once and turns it into one validated Settings object; the zod schema is the Settings type.
import { z } from 'zod/mini'
import { InputError } from '../domain/errors.js'
import { isLoopback } from '../net/transport.js'
import { withoutCredentials } from '../net/url-credentials.js'
import { REQUIREMENTS } from '../domain/health.js'
import { DOCUMENTED_PROVIDERS, caseVariantOf, closestNames, orList } from '../domain/suggest.js'

/** The inputs both actions take, with the same defaults and the same rules: how to reach the API, and the gate. */
export const SHARED_DEFAULTS = {
  'secret-key': '',
  'api-url': 'https://api.qonversion.io/v4',
  'max-attempts': '4',
  'timeout-seconds': '30',
  require: 'exists',
  'wait-seconds': '0'
} as const

/** Every input of action.yml, with the default the runner applies when a step leaves it out. */
export const INPUT_DEFAULTS = {
  title: '',
  provider: '',
  store: '',
  activate: 'false',
  'if-exists': 'create',
  'idempotency-key': '',
  'dry-run': 'false',
  ...SHARED_DEFAULTS
} as const

export type InputName = keyof typeof INPUT_DEFAULTS
export type RawInputs = Record<InputName, string>

export const STORES = ['iOS', 'Android', 'Stripe'] as const
export const IF_EXISTS = ['create', 'reuse', 'fail'] as const
const MAX_TITLE = 255
const MAX_KEY = 255

/**
 * Reads each input of `defaults` once through `getInput` (core.getInput in the action); an empty value takes its
 * default, as the runner would have given it.
 */
export function readInputs<N extends string = InputName>(
  getInput: (name: string) => string,
  defaults: Readonly<Record<N, string>> = INPUT_DEFAULTS as Readonly<Record<string, string>>
): Record<N, string> {
  const raw = {} as Record<N, string>
  for (const name of Object.keys(defaults) as N[]) raw[name] = getInput(name).trim() || defaults[name]
  return raw
}

/** A problem as the schemas below report it: always a message of their own. */
type Issue = { code: 'custom'; message: string }
type Context = { addIssue: (issue: Issue) => void }

/**
 * zod/mini's forms of `text.transform(fn)` and `text.superRefine(fn)` (`text` a string schema, plain by default):
 * mini's transform context has no `addIssue`, so `stringTo` hands `fn` one that records the issue on the value.
 */
export const stringTo = <T>(fn: (value: string, ctx: Context) => T, text = z.string()) =>
  z.pipe(
    text,
    z.transform((value: string, payload) =>
      fn(value, { addIssue: (issue) => payload.issues.push({ ...issue, input: value }) })
    )
  )
export const refinedString = (fn: (value: string, ctx: Context) => void, text = z.string()) =>
  text.check(z.superRefine(fn))

/** One of a fixed list of words, any case: `Input \`name\` is \`x\`; it must be … Did you mean …?` otherwise. */
export const oneOf = <T extends readonly string[]>(name: string, allowed: T) =>
  stringTo((value, ctx) => {
    const match = allowed.find((a): a is T[number] => a === value.toLowerCase())
    if (match) return match
    const [near] = closestNames(value, allowed, 1)
    ctx.addIssue({
      code: 'custom',
      message:
        `Input \`${name}\` is \`${value}\`; it must be ${orList(allowed)}.` +
        (near ? ` Did you mean \`${near}\`?` : '')
    })
    return z.NEVER
  })

const codePoints = (s: string): number => [...s].length
const printableAscii = /^[\x21-\x7e]+$/

export const booleanInput = (name: string) =>
  stringTo((value, ctx) => {
    const lower = value.toLowerCase()
    if (lower === 'true' || lower === 'false') return lower === 'true'
    ctx.addIssue({
      code: 'custom',
      message: `Input \`${name}\` is \`${value}\`; it must be \`true\` or \`false\`.`
    })
    return z.NEVER
  })

export const integerIn = (name: string, min: number, max: number, unit = '') =>
  stringTo((value, ctx) => {
    const n = Number(value)
    if (/^\d+$/.test(value) && n >= min && n <= max) return n
    ctx.addIssue({
      code: 'custom',
      message: `Input \`${name}\` is \`${value}\`; it must be a whole number from ${min} to ${max}${unit}.`
    })
    return z.NEVER
  })

const LINE_BREAKS: Record<string, string> = {
  '\n': '`\\n`',
  '\r': '`\\r`',
  '\u2028': 'U+2028',
  '\u2029': 'U+2029'
}

/**
 * The first line break in `value`, as a message names it, if any. Line breaks are JavaScript's line terminators
 * (the ones `trim()` also removes); a title is shown on one line everywhere, so one inside it is refused rather
 * than changed, while tabs, emoji and every other character are sent exactly.
 */
export function lineBreakIn(value: string): string | undefined {
  const found = /[\n\r\u2028\u2029]/.exec(value)
  return found ? LINE_BREAKS[found[0]] : undefined
}

const title = refinedString((value, ctx) => {
  const length = codePoints(value)
  const lineBreak = lineBreakIn(value)
  if (length === 0)
    ctx.addIssue({
      code: 'custom',
      message: 'Input `title` is empty; give the integration a title of 1–255 characters.'
    })
  else if (lineBreak)
    ctx.addIssue({
      code: 'custom',
      message:
        `Input \`title\` has a line break (${lineBreak}) inside; a title is one line: join it ` +
        '(in the workflow, `title: >` folds lines into one).'
    })
  else if (length > MAX_TITLE)
    ctx.addIssue({
      code: 'custom',
      message: `Input \`title\` is ${length} characters long; Qonversion accepts at most ${MAX_TITLE}.`
    })
})

const provider = refinedString((value, ctx) => {
  const slug = caseVariantOf(value)
  if (value === '')
    ctx.addIssue({
      code: 'custom',
      message: `Input \`provider\` is empty; give a provider slug such as ${orList(['amplitude', 'appsflyer', 'webhooks'])}.`
    })
  else if (slug)
    ctx.addIssue({
      code: 'custom',
      message: `Input \`provider\` is \`${value}\`; provider slugs are lower-case: use \`${slug}\`.`
    })
})

const store = stringTo((value, ctx) => {
  const exact = STORES.find((s) => s === value)
  if (exact) return exact
  const sameLetters = STORES.find((s) => s.toLowerCase() === value.toLowerCase())
  const hint = sameLetters
    ? ` Store names are case-sensitive: did you mean \`${sameLetters}\`?`
    : value === ''
      ? ''
      : (closestNames(value, STORES, 1).map((s) => ` Did you mean \`${s}\`?`)[0] ?? '')
  ctx.addIssue({
    code: 'custom',
    message: `Input \`store\` is ${value === '' ? 'empty' : `\`${value}\``}; it must be exactly ${orList(STORES)}.${hint}`
  })
  return z.NEVER
})

const secretKey = refinedString((value, ctx) => {
  if (value === '')
    ctx.addIssue({
      code: 'custom',
      message:
        'Input `secret-key` is empty. Pass the project Secret Key from a repository secret, e.g. ' +
        '`secret-key: ${{ secrets.QONVERSION_SECRET_KEY }}`. Workflows started by pull requests from forks ' +
        'and by Dependabot receive no secrets, so the value is empty there.'
    })
  else if (!printableAscii.test(value))
    ctx.addIssue({
      code: 'custom',
      message:
        'Input `secret-key` contains spaces, line breaks or non-ASCII characters; copy the Secret Key again ' +
        'from Project settings → API keys and store it in the secret without extra characters.'
    })
})

const idempotencyKey = stringTo((value, ctx) => {
  if (value === '') return undefined
  if (printableAscii.test(value) && value.length <= MAX_KEY) return value
  ctx.addIssue({
    code: 'custom',
    message: `Input \`idempotency-key\` must be 1–${MAX_KEY} printable ASCII characters without spaces.`
  })
  return z.NEVER
})

const apiUrl = stringTo((value, ctx) => {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      message:
        `Input \`api-url\` is \`${withoutCredentials(value)}\`: plain http:// would send the Secret Key across the network unencrypted, ` +
        'so it is allowed only for localhost, 127.0.0.0/8 and ::1 (a local emulator). Use https://, such as ' +
        `\`${INPUT_DEFAULTS['api-url']}\`.`
    })
    return z.NEVER
  }
  if (
    url &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.search &&
    !url.hash &&
    !url.username
  ) {
    return url.href.replace(/\/+$/, '')
  }
  ctx.addIssue({
    code: 'custom',
    message: `Input \`api-url\` is \`${withoutCredentials(value)}\`; it must be an https:// URL without credentials, query or fragment, such as \`${INPUT_DEFAULTS['api-url']}\`.`
  })
  return z.NEVER
})

/** The validators of SHARED_DEFAULTS' inputs, and the settings they become. */
export const sharedFields = {
  'secret-key': secretKey,
  'api-url': apiUrl,
  'max-attempts': integerIn('max-attempts', 1, 10),
  'timeout-seconds': integerIn('timeout-seconds', 1, 300, ' seconds'),
  require: oneOf('require', REQUIREMENTS),
  'wait-seconds': integerIn('wait-seconds', 0, 3600, ' seconds')
}

type SharedInputs = { [K in keyof typeof sharedFields]: z.output<(typeof sharedFields)[K]> }

export function sharedSettings(i: SharedInputs) {
  return {
    secretKey: i['secret-key'],
    apiUrl: i['api-url'],
    maxAttempts: i['max-attempts'],
    timeoutMs: i['timeout-seconds'] * 1000,
    requirement: i.require,
    waitSeconds: i['wait-seconds']
  }
}

/** The schema of the raw inputs; its output is the Settings the rest of the action works from. */
export const settingsSchema = z.pipe(
  z.object({
    title,
    provider,
    store,
    activate: booleanInput('activate'),
    'if-exists': oneOf('if-exists', IF_EXISTS),
    'idempotency-key': idempotencyKey,
    'dry-run': booleanInput('dry-run'),
    ...sharedFields
  }),
  z.transform((i) => ({
    title: i.title,
    provider: i.provider,
    store: i.store,
    activate: i.activate,
    ifExists: i['if-exists'],
    idempotencyKey: i['idempotency-key'],
    dryRun: i['dry-run'],
    ...sharedSettings(i)
  }))
)

export type Settings = z.output<typeof settingsSchema>
export type Store = (typeof STORES)[number]
export type IfExists = (typeof IF_EXISTS)[number]

/** Validates the raw inputs; every problem is reported at once. Returns warnings for doubtful but allowed values. */
export function parseSettings(raw: RawInputs): { settings: Settings; warnings: string[] } {
  const parsed = settingsSchema.safeParse(raw)
  if (!parsed.success) throw new InputError(parsed.error.issues.map((issue) => issue.message))
  const settings = parsed.data
  const warnings: string[] = []
  if (!DOCUMENTED_PROVIDERS.includes(settings.provider)) {
    const near = closestNames(settings.provider, DOCUMENTED_PROVIDERS, 1)
    warnings.push(
      `Provider \`${settings.provider}\` is not in the documented list of providers` +
        (near.length ? ` — did you mean \`${near[0]}\`?` : '.') +
        ' Sending it anyway: Qonversion adds providers over time.'
    )
  }
  warnings.push(...secretKeyWarnings(settings.secretKey))
  return { settings, warnings }
}

/** A key that is not a v4 Secret Key is sent anyway (the API decides), with a warning that says what 401 will mean. */
export function secretKeyWarnings(secretKey: string): string[] {
  if (/^(test_)?sk_/.test(secretKey)) return []
  return [
    'Input `secret-key` does not start with `sk_` or `test_sk_`. API v4 needs the Secret Key from ' +
      'Project settings; the older public Project Key is refused with 401.'
  ]
}

/** `sandbox` for a `test_sk_` key: the key picks the environment whose data the request reaches. */
export function environmentOf(secretKey: string): 'sandbox' | 'production' {
  return secretKey.startsWith('test_sk_') ? 'sandbox' : 'production'
}
