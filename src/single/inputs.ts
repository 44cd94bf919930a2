// Reads every input once and turns it into one validated Settings object; the zod schema is the Settings type.
import { z } from 'zod'
import { InputError } from '../domain/errors.js'
import { STORES, MAX_TITLE, codePoints } from '../domain/vocabulary.js'
import { lineBreakIn } from '../domain/rules.js'
import {
  SHARED_DEFAULTS,
  booleanInput,
  oneOf,
  secretKeyWarnings,
  sharedFields,
  sharedSettings
} from '../runner/inputs.js'
import { DOCUMENTED_PROVIDERS, caseVariantOf, closestNames, orList } from '../domain/suggest.js'

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

export const IF_EXISTS = ['create', 'reuse', 'fail'] as const
const MAX_KEY = 255
const printableAscii = /^[\x21-\x7e]+$/

const title = z.string().superRefine((value, ctx) => {
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

const provider = z.string().superRefine((value, ctx) => {
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

const store = z.string().transform((value, ctx) => {
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

const idempotencyKey = z.string().transform((value, ctx) => {
  if (value === '') return undefined
  if (printableAscii.test(value) && value.length <= MAX_KEY) return value
  ctx.addIssue({
    code: 'custom',
    message: `Input \`idempotency-key\` must be 1–${MAX_KEY} printable ASCII characters without spaces.`
  })
  return z.NEVER
})

/** The schema of the raw inputs; its output is the Settings the rest of the action works from. */
export const settingsSchema = z
  .object({
    title,
    provider,
    store,
    activate: booleanInput('activate'),
    'if-exists': oneOf('if-exists', IF_EXISTS),
    'idempotency-key': idempotencyKey,
    'dry-run': booleanInput('dry-run'),
    ...sharedFields
  })
  .transform((i) => ({
    title: i.title,
    provider: i.provider,
    store: i.store,
    activate: i.activate,
    ifExists: i['if-exists'],
    idempotencyKey: i['idempotency-key'],
    dryRun: i['dry-run'],
    ...sharedSettings(i)
  }))

export type Settings = z.output<typeof settingsSchema>
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
