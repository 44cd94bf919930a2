// The action's documented provider slugs and the emulator's catalog are written independently; this keeps them equal.
import { expect, it } from '@jest/globals'
import { CATALOG } from '../../emulator/catalog.js'
import { DOCUMENTED_PROVIDERS } from '../../src/domain/suggest.js'

it('src/domain/suggest.ts and the emulator know the same provider slugs', () => {
  const emulatorSlugs = CATALOG.flatMap((group) => group.integrations.map((provider) => provider.slug))
  expect(new Set(DOCUMENTED_PROVIDERS)).toEqual(new Set(emulatorSlugs))
  // A slug listed twice on either side would hide behind the set comparison.
  expect(DOCUMENTED_PROVIDERS).toHaveLength(new Set(DOCUMENTED_PROVIDERS).size)
  expect(emulatorSlugs).toHaveLength(new Set(emulatorSlugs).size)
})
