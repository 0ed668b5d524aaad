import { deps } from '@techteam/shared/deps';
import { ConfigInvalid } from '@techteam/shared/errors';
import { LIVE_PATH } from '@techteam/shared/live';
import { identityEnvironment } from '../auth/identity-deps';
import { unauthenticatedHandler } from '../http';

/**
 * GET /v1/config: what the dashboard reads first, before anyone signed in (no authorizer: it
 * answers how to sign in, never a tenant's data). On AWS the stack sets TECHTEAM_AUTH=required,
 * TECHTEAM_LIVE_URL (the WebSocket API's stage URL) and, from the `clerkPublishableKey` context,
 * CLERK_PUBLISHABLE_KEY (CLERK_PROXY_URL when Clerk's Frontend API is proxied); the API is then
 * the page's own origin (`apiUrl` empty: CloudFront forwards /v1/*) unless TECHTEAM_API_URL names
 * another. Locally both URLs follow from the address the request came to, the live socket on the
 * host's own port, and sign-in is the host's identity setting (TECHTEAM_AUTH).
 */
export const handler = unauthenticatedHandler(async ({ headers }) => {
  const env = identityEnvironment();
  const host = headers['host'] ?? 'localhost';
  const authRequired = env['TECHTEAM_AUTH'] === 'required';
  const deployed = authRequired && !!env['TECHTEAM_LIVE_URL'];
  const apiUrl = checked(env, 'TECHTEAM_API_URL') ?? (deployed ? '' : `http://${host}`);
  const liveUrl = checked(env, 'TECHTEAM_LIVE_URL') ?? `ws://${host}${LIVE_PATH}`;
  const clerkPublishableKey = checked(env, 'CLERK_PUBLISHABLE_KEY');
  const clerkProxyUrl = checked(env, 'CLERK_PROXY_URL');
  const { lineup: plan } = await deps().directory.resolve();
  return {
    status: 200,
    body: {
      apiUrl,
      liveUrl,
      auth: authRequired || env['TECHTEAM_API_URL'] ? 'required' : 'none',
      ...(clerkPublishableKey ? { clerkPublishableKey } : {}),
      ...(clerkPublishableKey && clerkProxyUrl ? { clerkProxyUrl } : {}),
      demo: plan.demo,
    },
  };
});

/** What each variable handed to the browser must look like: a wrong one is named, not sent on. */
const SHAPES = {
  TECHTEAM_API_URL: [/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL'],
  TECHTEAM_LIVE_URL: [/^wss?:\/\/[^\s/]+(\/\S*)?$/, 'must be a ws(s) URL'],
  CLERK_PUBLISHABLE_KEY: [
    /^pk_(test|live)_[A-Za-z0-9+/=_-]+$/,
    'must be a Clerk publishable key (pk_test_… or pk_live_…)',
  ],
  CLERK_PROXY_URL: [
    /^(https:\/\/[^\s/]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/\S*)?$|^\/\S*$/,
    'must be an https URL (http only on loopback) or a path on the dashboard’s origin',
  ],
} as const;

function checked(env: Record<string, string | undefined>, name: keyof typeof SHAPES): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const [shape, problem] = SHAPES[name];
  if (!shape.test(value)) throw new ConfigInvalid(name, problem);
  return value;
}
