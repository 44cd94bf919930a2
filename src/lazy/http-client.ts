// Bundle stand-in for @actions/http-client (tsconfig.json `paths`; CONTRIBUTING.md, "A light start"): keeps it,
// undici and tunnel off the start-up path. @actions/core imports it only for OIDC tokens, which this action never asks for.
import type * as Real from '../../node_modules/@actions/http-client/lib/index.js'
import type { TypedResponse } from '../../node_modules/@actions/http-client/lib/interfaces.js'

type Options = ConstructorParameters<typeof Real.HttpClient>

/** What @actions/core's OIDC client does with one: `new HttpClient(…)`, then `getJson(url)`, loading the real one then. */
export class HttpClient {
  private readonly options: Options

  constructor(...options: Options) {
    this.options = options
  }

  async getJson<T>(...args: Parameters<Real.HttpClient['getJson']>): Promise<TypedResponse<T>> {
    const real = await import('../../node_modules/@actions/http-client/lib/index.js')
    return new real.HttpClient(...this.options).getJson<T>(...args)
  }
}
