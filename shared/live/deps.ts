import { deps } from '../deps';
import { ConfigInvalid } from '../errors';
import { LiveSubscriptions } from '../store/live-subscriptions';
import { apiGatewayConnections, managementClient } from './connections';
import type { FanOutDeps } from './fan-out';

let current: FanOutDeps | undefined;

/** The local host installs its own (the loopback `@connections` endpoint); a Lambda builds one from its environment. */
export function useLiveDeps(deps: FanOutDeps | undefined): void {
  current = deps;
}

/**
 * The live doors' dependencies: the store, the live items, and the `@connections` endpoint
 * from `TECHTEAM_LIVE_ENDPOINT` (the WebSocket API's stage URL, set by the CDK stack).
 */
export function liveDeps(): FanOutDeps {
  if (current) return current;
  const endpoint = process.env['TECHTEAM_LIVE_ENDPOINT'];
  if (!endpoint) throw new ConfigInvalid('TECHTEAM_LIVE_ENDPOINT', 'is not set');
  const { store } = deps();
  current = {
    store,
    subscriptions: new LiveSubscriptions(store.doc, store.tableName),
    connections: apiGatewayConnections(managementClient(endpoint)),
  };
  return current;
}
