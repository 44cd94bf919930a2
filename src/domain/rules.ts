// The rules for what a title, a provider and a store may be: one set for both actions' inputs and the manifest file.
import { caseVariantOf, closestNames, orList } from './suggest.js'
import { MAX_TITLE, STORES, codePoints } from './vocabulary.js'

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

/** Where the value was written, for the hint on how to fix it there. */
export type WrittenIn = 'workflow' | 'file'

/** What to give, in a message about a missing or empty title or provider. */
export const GIVE_TITLE = `the integration a title of 1–${MAX_TITLE} characters`
export const GIVE_PROVIDER = `a provider slug such as ${orList(['amplitude', 'appsflyer', 'webhooks'])}`

/**
 * What is wrong with a title, as the words after its name (`Input \`title\``, `integrations[0].title`), or
 * undefined when it is fine. Counted in code points: an emoji is one character to the user.
 */
export function titleProblem(value: string, writtenIn: WrittenIn): string | undefined {
  const length = codePoints(value)
  const lineBreak = lineBreakIn(value)
  if (length === 0) return `is empty; give ${GIVE_TITLE}.`
  if (lineBreak)
    return (
      `has a line break (${lineBreak}) inside; a title is one line: join it ` +
      `(${writtenIn === 'workflow' ? 'in the workflow, ' : ''}\`title: >\` folds lines into one).`
    )
  if (length > MAX_TITLE) return `is ${length} characters long; Qonversion accepts at most ${MAX_TITLE}.`
  return undefined
}

/**
 * What is wrong with a provider slug, as the words after its name, or undefined. Slugs the documented list lacks
 * are sent anyway (Qonversion adds providers); only an empty one or a case slip is refused.
 */
export function providerProblem(value: string): string | undefined {
  if (value === '') return `is empty; give ${GIVE_PROVIDER}.`
  const slug = caseVariantOf(value)
  if (slug) return `is \`${value}\`; provider slugs are lower-case: use \`${slug}\`.`
  return undefined
}

/** What a store must be, in a message about one that is not. */
export const STORE_RULE = `it must be exactly ${orList(STORES)}`

/**
 * How to fix a store that is not one of STORES, as a sentence to append (empty when there is no good guess): the
 * same letters in another case (names are case-sensitive), else the closest name.
 */
export function storeHint(written: string): string {
  const sameLetters = STORES.find((s) => s.toLowerCase() === written.toLowerCase())
  if (sameLetters) return ` Store names are case-sensitive: use \`${sameLetters}\`.`
  if (written === '') return ''
  return closestNames(written, STORES, 1).map((s) => ` Did you mean \`${s}\`?`)[0] ?? ''
}
