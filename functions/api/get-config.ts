import { LIVE_PATH } from '@techteam/shared/live';
import { runtime } from '@techteam/shared/runtime';
import { apiHandler } from '../http';

/**
 * GET /v1/config: what the dashboard reads first. On AWS the stack sets TECHTEAM_API_URL and
 * TECHTEAM_LIVE_URL (the WebSocket API's stage URL); locally both follow from the address the
 * request came to, the live socket on the host's own port.
 */
export const handler = apiHandler(async ({ event }) => {
  const host = event.headers?.['host'] ?? event.requestContext.domainName;
  const local = !process.env['TECHTEAM_API_URL'];
  const apiUrl = process.env['TECHTEAM_API_URL'] ?? `http://${host}`;
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
