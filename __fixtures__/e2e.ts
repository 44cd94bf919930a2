// What every end-to-end test file needs: the Node to spawn the bundles with, one emulator for the file (reset before
// each test), a fresh workflow run per run, and the requests and records the emulator saw.
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { start } from '../emulator/server.js'

/** E2E_NODE lets .ci/run repeat the end-to-end files under Node 24, the runtime GitHub uses for `node24` actions. */
export const NODE = process.env.E2E_NODE ?? process.execPath
export const NODE_NAME = NODE === process.execPath ? process.version : NODE
export const SANDBOX = 'test_sk_emulator'

/**
 * Node flags that run a spawned bundle on a clock `speed` times fast (fast-clock.mjs): its waits and timeouts take
 * 1/speed of the time, and what it prints in seconds reads as before. Times given to the emulator are real ones.
 */
export function fastClock(speed: number): string[] {
  return ['--import', `${new URL('fast-clock.mjs', import.meta.url).href}?speed=${speed}`]
}

export type Emulator = Awaited<ReturnType<typeof start>>

/**
 * Registers the file's emulator hooks. `emu` stands for the emulator once `beforeAll` has started it;
 * run ids count up from `firstRunId`, so keys never collide between tests (or files, given distinct starts).
 */
export function emulatorForFile(firstRunId: number) {
  let started: Emulator | undefined
  let runId = firstRunId
  beforeAll(async () => {
    started = await start({ port: 0 })
  })
  afterAll(async () => {
    await started?.close()
  })
  beforeEach(() => started?.reset())
  const emu = new Proxy({} as Emulator, {
    get(_target, name) {
      if (!started) throw new Error('the emulator is used before beforeAll started it')
      return started[name as keyof Emulator]
    }
  })
  return {
    emu,
    /** A fresh workflow run (id, first attempt). */
    newRun: () => ({ id: String(++runId), attempt: '1' }),
    /** Sandbox records that are not deleted. */
    live: () => emu.records('sandbox').filter((r) => !r.deleted),
    /** Every request but reads. */
    writes: () => emu.requests().filter((r) => r.method !== 'GET'),
    /** The top-level action's inputs for one Amplitude iOS integration in the emulator's sandbox. */
    inputs: (overrides: Record<string, string> = {}) => ({
      title: 'Amplitude — iOS',
      provider: 'amplitude',
      store: 'iOS',
      'secret-key': SANDBOX,
      'api-url': emu.apiUrl,
      ...overrides
    })
  }
}
