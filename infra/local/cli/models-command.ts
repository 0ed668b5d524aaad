import { parseArgs } from 'node:util';
import { loadConfig } from '@techteam/shared/config';
import { Catalog } from '@techteam/shared/gateway/catalog';
import { formatModelsView, type ModelsView, modelsView } from '@techteam/shared/gateway/models-view';
import { planProviders } from '@techteam/shared/gateway/provider-status';
import { HostUnreachable, TechteamClient } from './api-client';
import type { CliIo } from './io';

/**
 * `techteam models`: the catalog, which providers are live, and why the others
 * are not. Asks the running host (it knows the tenant's own models); with no
 * host, answers from this shell's environment, which is what `up` would use.
 */
export async function modelsCommand(argv: string[], io: CliIo, env = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  let view: ModelsView;
  let from = `the host at ${io.url}`;
  try {
    view = await new TechteamClient(io.url).listModels();
  } catch (e) {
    if (!(e instanceof HostUnreachable)) throw e;
    const setup = planProviders(loadConfig(env), env);
    view = modelsView(Catalog.shipped().with(setup.configModels), setup.statuses, setup.demo);
    from = 'this shell’s environment (no host is running)';
  }
  if (values.json) {
    io.out(JSON.stringify(view, null, 2));
    return 0;
  }
  io.out(`From ${from}:\n`);
  io.out(formatModelsView(view));
  return 0;
}
