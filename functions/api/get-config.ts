import { LIVE_PATH } from '@techteam/shared/live';
import { runtime } from '@techteam/shared/runtime';
import { apiHandler } from '../http';

/**
 * GET /v1/config: what the dashboard reads first. On AWS the stack sets TECHTEAM_AUTH=required,
 * TECHTEAM_LIVE_URL (the WebSocket API's stage URL) and, from the `clerkPublishableKey` context,
 * CLERK_PUBLISHABLE_KEY; the API is then the page's own origin (`apiUrl` empty: CloudFront forwards
 * /v1/* to the HTTP API) unless TECHTEAM_API_URL names another. Locally both URLs follow from the
 * address the request came to, the live socket on the host's own port.
 */
export const handler = apiHandler(async ({ event }) => {
  const host = event.headers?.['host'] ?? event.requestContext.domainName;
  const deployed = process.env['TECHTEAM_AUTH'] === 'required' && !!process.env['TECHTEAM_LIVE_URL'];
  const local = !deployed && !process.env['TECHTEAM_API_URL'];
  const apiUrl = process.env['TECHTEAM_API_URL'] ?? (deployed ? '' : `http://${host}`);
  const liveUrl = process.env['TECHTEAM_LIVE_URL'] ?? `ws://${host}${LIVE_PATH}`;
  const clerkPublishableKey = process.env['CLERK_PUBLISHABLE_KEY'];
  const { lineup: plan } = await runtime().directory.resolve();
  return {
    status: 200,
    body: {
      apiUrl,
      liveUrl,
      auth: local && process.env['TECHTEAM_AUTH'] !== 'required' ? 'none' : 'required',
      ...(clerkPublishableKey ? { clerkPublishableKey } : {}),
      demo: plan.demo,
    },
  };
});
