// The layer check `npm run lint` runs: it reports a circle through `import type` or `import()`, an upward import
// and an effectful module in domain/, and finds none of them in the real src/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { checkImports } from '../../scripts/check-imports.mjs'

const made: string[] = []
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A src/ tree of the given files (path under src/ → text). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'qia-layers-'))
  made.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('checkImports', () => {
  it('reports a circle that goes through a type-only import', () => {
    const problems = checkImports(
      tree({
        'domain/a.ts': "import type { B } from './b.js'\nexport type A = B\n",
        'domain/b.ts': "import type { A } from './a.js'\nexport type B = A | 1\n"
      })
    )
    expect(problems).toEqual(['import circle: src/domain/a.ts → src/domain/b.ts → src/domain/a.ts'])
  })

  it('reports a circle that goes through a dynamic import()', () => {
    const problems = checkImports(
      tree({
        'net/transport.ts': "export const load = () => import('./proxy.js')\n",
        'net/proxy.ts': "import { load } from './transport.js'\nexport const again = load\n"
      })
    )
    expect(problems).toEqual(['import circle: src/net/proxy.ts → src/net/transport.ts → src/net/proxy.ts'])
  })

  it('reports an upward import, and a sideways one between the two actions', () => {
    const problems = checkImports(
      tree({
        'qonversion/schemas.ts': "import { STORES } from '../single/inputs.js'\nexport const s = STORES\n",
        'single/inputs.ts': "export const STORES = ['iOS']\n",
        'manifest/file.ts': "import { STORES } from '../single/inputs.js'\nexport const f = STORES\n"
      })
    )
    expect(problems).toEqual([
      expect.stringMatching(
        /^src\/manifest\/file\.ts: imports src\/single\/inputs\.ts, which is not below it/
      ),
      expect.stringMatching(
        /^src\/qonversion\/schemas\.ts: imports src\/single\/inputs\.ts, which is not below it/
      )
    ])
  })

  it('reports a domain/ file that imports node:fs', () => {
    const problems = checkImports(
      tree({ 'domain/plan.ts': "import { readFileSync } from 'node:fs'\nexport const read = readFileSync\n" })
    )
    expect(problems).toEqual([
      "src/domain/plan.ts: domain/ may not import 'node:fs' (it must stay free of effects)"
    ])
  })

  it('lets a file import its own folder and lower layers', () => {
    const problems = checkImports(
      tree({
        'single/run.ts':
          "import { x } from '../runner/log.js'\nimport { y } from './report.js'\nexport const z = [x, y]\n",
        'single/report.ts': 'export const y = 1\n',
        'runner/log.ts': "import { n } from '../domain/untrusted.js'\nexport const x = n\n",
        'domain/untrusted.ts': 'export const n = 1\n'
      })
    )
    expect(problems).toEqual([])
  })

  it('finds the layers of the real src/ holding, with no circle', () => {
    expect(checkImports(join(import.meta.dirname, '..', '..', 'src'))).toEqual([])
  })
})
