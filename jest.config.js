// Jest runs the TypeScript tests as native ES modules (ts-jest, useESM) in three projects, fastest first: unit
// (one src/ folder each, plain data, nock or a loopback server), flows (a whole action in process, the emulator,
// the contracts over README/action.yml, the scripts) and e2e (the committed bundles in dist/, spawned).
// Coverage is measured on src/ only, by what runs in process.
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/__fixtures__/setup-env.ts']
}

/** The unit tests mirror src/'s layers: __tests__/<layer>/ tests src/<layer>/. */
const UNIT = ['domain', 'pipeline', 'qonversion', 'net', 'runner', 'single', 'manifest']

export default {
  projects: [
    { ...shared, displayName: 'unit', roots: UNIT.map((layer) => `<rootDir>/__tests__/${layer}`) },
    {
      ...shared,
      displayName: 'flows',
      roots: ['flows', 'contract', 'emulator', 'scripts'].map((folder) => `<rootDir>/__tests__/${folder}`)
    },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/__tests__/e2e'],
      globalSetup: '<rootDir>/__fixtures__/dist-fresh.mjs'
    }
  ].map((project) => ({ ...project, testMatch: ['**/*.test.ts'] })),
  // Most tests wait on sockets and child processes, not on the CPU: one worker per core keeps both cores busy.
  maxWorkers: '100%',
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 90, branches: 90, functions: 90, statements: 90 } },
  testTimeout: 30000
}
