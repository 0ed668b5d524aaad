import { parseArgs } from 'node:util';
import { builtInProfiles } from '@techteam/shared/agents';
import { loadConfig } from '@techteam/shared/config';
import {
  Catalog,
  checkModelsInUse,
  type EmployeeModels,
  formatModelsView,
  type ModelsView,
  modelsView,
  utcDay,
} from '@techteam/shared/gateway/catalog';
import { lineUpProviders } from '@techteam/shared/gateway/providers';
import { HostUnreachable, TechteamClient } from './api-client';
import type { CliIo } from './io';

/**
 * `techteam models`: the catalog, which providers are live, and why the others
 * are not. Asks the running host (it knows the tenant's own models and
 * employees); with no host, answers from this shell's environment and the
 * built-in employees, which is what `up` would use. `--check` warns about
 * deprecated or retired models in use and fails on a retired one;
 * `models delete <id>` removes the tenant's own model or override.
 */
export async function modelsCommand(
  argv: string[],
  io: CliIo,
  env = process.env,
  today = utcDay(new Date()),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, check: { type: 'boolean', default: false } },
  });
  if (positionals[0] === 'delete') return deleteModel(positionals[1], io);
  if (positionals.length) {
    io.err(`techteam models: unknown argument '${positionals[0]}' (try: models delete <id>)`);
    return 2;
  }
  const client = new TechteamClient(io.url);
  let view: ModelsView;
  let employees: EmployeeModels[];
  let from = `the host at ${io.url}`;
  try {
    view = await client.listModels();
    employees = values.check ? (await client.listEmployees()).employees : [];
  } catch (e) {
    if (!(e instanceof HostUnreachable)) throw e;
    const config = loadConfig(env);
    const setup = lineUpProviders(config, env);
    const catalog = Catalog.shipped().inRegion(config.BEDROCK_REGION).with(setup.configModels);
    view = modelsView(catalog, setup.statuses, setup.demo);
    employees = [...builtInProfiles(setup.configModels.map((m) => m.id))];
    from = 'this shell’s environment (no host is running)';
  }
  if (values.check) return check(view, employees, today, from, io, values.json);
  if (values.json) {
    io.out(JSON.stringify(view, null, 2));
    return 0;
  }
  io.out(`From ${from}:\n`);
  io.out(formatModelsView(view, today));
  return 0;
}

function check(
  view: ModelsView,
  employees: EmployeeModels[],
  today: string,
  from: string,
  io: CliIo,
  json: boolean,
): number {
  const findings = checkModelsInUse(view, employees, today);
  const retired = findings.some((f) => f.severity === 'retired');
  if (json) {
    io.out(JSON.stringify({ today, findings }, null, 2));
    return retired ? 1 : 0;
  }
  io.out(`Models in use, from ${from}, on ${today}:`);
  if (!findings.length) io.out('  all current: none deprecated, retired or unknown');
  for (const f of findings) {
    const label = f.severity === 'retired' ? 'RETIRED' : f.severity === 'deprecated' ? 'warning' : 'unknown';
    io.out(`  ${label.padEnd(8)} ${f.model} (${f.detail}): ${f.usedBy.join(', ')}`);
  }
  if (retired) {
    io.err(
      'A retired model is in use: its provider refuses calls, so the gateway skips it. Change those employees (PUT /v1/employees/{id}) or models.',
    );
  }
  return retired ? 1 : 0;
}

async function deleteModel(id: string | undefined, io: CliIo): Promise<number> {
  if (!id) {
    io.err('techteam models delete: name the model, e.g. techteam models delete my-llama');
    return 2;
  }
  await new TechteamClient(io.url).deleteModel(id);
  io.out(`Removed the tenant's model '${id}'; the shipped catalog entry (if any) applies again.`);
  return 0;
}
