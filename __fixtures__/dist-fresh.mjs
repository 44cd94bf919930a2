// The end-to-end project's global setup: the tests run the bundles in dist/, so a dist/ built from other sources
// than these (a src/ edit without `npm run bundle`) fails the run instead of passing on the old code.
import { distStaleness } from '../scripts/bundle.mjs'

export default function distFresh() {
  const stale = distStaleness()
  if (stale) throw new Error(stale)
}
