// Reads every input once and turns it into one validated Settings object; the zod schema is the Settings type.
import { z } from 'zod/mini'
import { InputError } from '../domain/errors.js'
import { STORES } from '../domain/vocabulary.js'
import { STORE_RULE, providerProblem, storeHint, titleProblem } from '../domain/rules.js'
import {
  SHARED_DEFAULTS,
  booleanInput,
  oneOf,
  refinedString,
  secretKeyWarnings,
  sharedFields,
  sharedSettings,
  stringTo
} from '../runner/inputs.js'
import { DOCUMENTED_PROVIDERS, closestNames } from '../domain/suggest.js'

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

const title = refinedString((value, ctx) => {
  const problem = titleProblem(value, 'workflow')
  if (problem) ctx.addIssue({ code: 'custom', message: `Input \`title\` ${problem}` })
})

const provider = refinedString((value, ctx) => {
  const problem = providerProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: `Input \`provider\` ${problem}` })
})

const store = stringTo((value, ctx) => {
  const exact = STORES.find((s) => s === value)
  if (exact) return exact
  ctx.addIssue({
    code: 'custom',
    message: `Input \`store\` is ${value === '' ? 'empty' : `\`${value}\``}; ${STORE_RULE}.${storeHint(value)}`
  })
  return z.NEVER
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
