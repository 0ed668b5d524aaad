import { parseArgs } from 'node:util';
import { loadConfig } from '@techteam/shared/config';
import { ApiKeyScope } from '@techteam/shared/domain';
import { createApiKey, loadIdentityConfig, pepperFor, type Scope } from '@techteam/shared/identity';
import { createDocumentClient, Tenants } from '@techteam/shared/store';
import { TechteamClient } from './api-client';
import type { CliIo } from './io';

const USAGE =
  'usage: techteam keys create --name <name> [--scope tasks:read|tasks:write|admin ...] [--expires <ISO time>] [--bootstrap --tenant <id>]\n' +
  '       techteam keys list\n' +
  '       techteam keys revoke <key id>';

/**
 * `techteam keys`: make, list and revoke the tenant's API keys through the API (with
 * TECHTEAM_API_KEY, or as the local tenant on a loopback host). `create --bootstrap` makes the
 * first admin key of a deploy-your-own stack straight in its table, with the deployer's AWS
 * credentials (TECHTEAM_TABLE, AWS_REGION, TECHTEAM_API_KEY_PEPPER_SECRET_ARN from the stack).
 */
export async function keysCommand(argv: string[], io: CliIo, env = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      expires: { type: 'string' },
      bootstrap: { type: 'boolean', default: false },
      tenant: { type: 'string' },
    },
  });
  const [action, id] = positionals;
  const client = new TechteamClient(io.url, env['TECHTEAM_API_KEY'] || undefined);
  if (action === 'list') {
    const { keys } = await client.listKeys();
    if (!keys.length) io.out('No API keys yet: make one with `techteam keys create --name <name>`');
    for (const k of keys) {
      const state = k.revokedAt
        ? `revoked ${k.revokedAt}`
        : k.expiresAt
          ? `expires ${k.expiresAt}`
          : 'active';
      io.out(
        `${k.id}  ${k.prefix}_…  ${k.name}  [${k.scopes.join(' ')}]  ${state}  last used ${k.lastUsedAt ?? 'never'}`,
      );
    }
    return 0;
  }
  if (action === 'revoke') {
    if (!id) {
      io.err(USAGE);
      return 2;
    }
    const { apiKey } = await client.revokeKey(id);
    io.out(`Revoked ${apiKey.id} (${apiKey.name}); it stops working within seconds.`);
    return 0;
  }
  if (action !== 'create' || !values.name) {
    io.err(USAGE);
    return 2;
  }
  const scopes = (values.scope ?? (values.bootstrap ? ['admin'] : ['tasks:read', 'tasks:write'])) as Scope[];
  const bad = scopes.find((s) => !ApiKeyScope.options.includes(s));
  if (bad) {
    io.err(`techteam keys create: unknown scope '${bad}' (one of ${ApiKeyScope.options.join(', ')})`);
    return 2;
  }
  const expiresAt = values.expires ? new Date(values.expires).toISOString() : undefined;
  const made = values.bootstrap
    ? await bootstrapKey(env, values.tenant ?? 'default', values.name, scopes, expiresAt)
    : (await client.createKey({ name: values.name, scopes, ...(expiresAt ? { expiresAt } : {}) })).key;
  io.out(made);
  io.err('This is the only time the key is shown: store it now (e.g. export TECHTEAM_API_KEY=…).');
  return 0;
}

async function bootstrapKey(
  env: Record<string, string | undefined>,
  tenantId: string,
  name: string,
  scopes: Scope[],
  expiresAt: string | undefined,
): Promise<string> {
  const config = loadConfig(env);
  const identity = loadIdentityConfig(env);
  const doc = createDocumentClient({
    ...(config.TECHTEAM_DYNAMO_ENDPOINT ? { endpoint: config.TECHTEAM_DYNAMO_ENDPOINT } : {}),
    ...(config.AWS_REGION ? { region: config.AWS_REGION } : {}),
  });
  try {
    await new Tenants(doc, config.TECHTEAM_TABLE).ensure({
      id: tenantId,
      name: tenantId,
      origin: 'bootstrap',
    });
    const { key } = await createApiKey(
      { doc, tableName: config.TECHTEAM_TABLE, pepper: pepperFor(identity) },
      {
        tenantId,
        name,
        scopes,
        createdBy: 'bootstrap',
        environment: identity.TECHTEAM_API_KEY_PEPPER_SECRET_ARN ? 'live' : identity.TECHTEAM_KEY_ENVIRONMENT,
        ...(expiresAt ? { expiresAt } : {}),
      },
    );
    return key;
  } finally {
    doc.destroy();
  }
}
