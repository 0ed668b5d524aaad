import type { Runtime } from './index';

/**
 * Runtimes modelRuntime() built: the gateway only, no workspace or sandbox. Its own
 * file so that workspaceRuntime() can ask without bundling the gateway.
 */
export const gatewayOnly = new WeakSet<Runtime>();
