// Nock for one test file: no real network while it runs, and Node's http left as it was found afterwards,
// because jest runs other test files (the emulator's, the end-to-end ones) in the same worker process.
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import nock from 'nock'

export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate()
    nock.disableNetConnect()
  })
  afterEach(() => nock.cleanAll())
  afterAll(() => {
    nock.enableNetConnect()
    nock.restore()
  })
}
