/**
 * zod, as every schema in Techteam imports it: `import * as z from '../zod'`
 * (`@techteam/shared/zod` outside the package), never `zod` or `zod/mini`.
 *
 * This is zod 4's functional build, Zod Mini: about 40 KB of each Lambda
 * bundle where classic `zod` took 100 KB, and a shorter cold start. Its API is
 * functions and checks instead of methods: `z.optional(s)`, `z._default(s, v)`,
 * `z.string().check(z.minLength(1))`, `z.strictObject({...})`,
 * `z.extend(o, {...})`. Classic `zod` is left to code that is loaded lazily and
 * needs it (the MCP tool server, shared/agents/tools.ts).
 *
 * Bundling notes (esbuild, infra/aws/bundling.ts):
 * - Zod Mini is imported as `zod/v4-mini`: the same files as `zod/mini`, under
 *   a path zod keeps for good. In a bundle built without code splitting, zod's
 *   files sit in lazy initialisers (the MCP SDK, imported dynamically, reaches
 *   them), and esbuild calls an initialiser from the module that imports the
 *   file. `zod/mini`'s index only re-exports and nothing lazy imports it, so
 *   esbuild drops it together with that call and the bundle fails at start-up;
 *   `zod/v4-mini` is the index the MCP SDK imports, so it keeps its call.
 * - `object` and `strictObject` are this module's own bindings, not part of
 *   `export *`, so that bundles keep the config call below: @techteam/shared
 *   is marked side-effect free, and esbuild keeps a module only when one of its
 *   own exports is used (every schema module builds an object). Re-exporting
 *   Zod Mini as one `z` object instead would defeat tree-shaking (~430 KB).
 */
import en from 'zod/v4/locales/en.js';
import * as mini from 'zod/v4-mini';

// Zod Mini loads no locale: without this every message would read "Invalid input".
// The config is global, so it holds for classic zod schemas as well.
mini.config(en());

export * from 'zod/v4-mini';

export const object: typeof mini.object = mini.object;
export const strictObject: typeof mini.strictObject = mini.strictObject;
