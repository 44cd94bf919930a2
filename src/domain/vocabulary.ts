// The words and limits both actions and the API share: the stores, and how long a title may be.

/** The stores Qonversion knows, spelled exactly as the API and both actions take them. */
export const STORES = ['iOS', 'Android', 'Stripe'] as const
export type Store = (typeof STORES)[number]

/** The longest title Qonversion accepts, in characters (code points: an emoji is one character to the user). */
export const MAX_TITLE = 255

/** Length in code points, as a person counts characters. */
export const codePoints = (s: string): number => [...s].length
