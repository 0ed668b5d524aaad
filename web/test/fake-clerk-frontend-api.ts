import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestClerk } from '@techteam/shared/testing/clerk-tokens';

/**
 * A local stand-in for a Clerk development instance's Frontend API (FAPI), speaking enough of it
 * for the real `@clerk/clerk-js` to load, sign one browser in, hand out session tokens, switch
 * the active organization and sign out: the dev browser, the environment, the client, session
 * tokens and touch, and an Account Portal sign-in page. Tokens are real RS256 session JWTs signed
 * with the test instance's key (`testClerk()`), which the host under test trusts; the SDK reaches
 * this server through its `proxyUrl` option. One browser, one user: enough for a dashboard test.
 */
export interface FakeClerkFrontendApi {
  /** What `proxyUrl` is set to (CLERK_PROXY_URL). */
  url: string;
  /** A development publishable key whose instance is this fake. */
  publishableKey: string;
  /** Every request, as `METHOD /path`, in arrival order. */
  requests: string[];
  /** The session tokens issued, in order, with the organization each was for. */
  tokens: Array<{ jwt: string; orgId: string | null }>;
  close(): Promise<void>;
}

export interface FakeClerkUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  organizations: Array<{ id: string; name: string; role: 'org:admin' | 'org:member' }>;
}

type Json = Record<string, unknown>;

export async function startFakeClerkFrontendApi(options: {
  clerk: TestClerk;
  user: FakeClerkUser;
  /** The dashboard's origin: the `azp` of every token, as Clerk sets it from the request's Origin. */
  authorizedParty: string;
}): Promise<FakeClerkFrontendApi> {
  const { clerk, user, authorizedParty } = options;
  const requests: string[] = [];
  const tokens: FakeClerkFrontendApi['tokens'] = [];
  const sessionId = `sess_${user.id}`;
  const state = { signedIn: false, activeOrg: user.organizations[0]?.id ?? null };
  const now = () => Date.now();
  let base = '';

  const mint = async (orgId: string | null) => {
    const role = user.organizations.find((o) => o.id === orgId)?.role;
    const jwt = await clerk.sessionToken({
      userId: user.id,
      ...(orgId ? { orgId, orgRole: role ?? 'org:member' } : {}),
      azp: authorizedParty,
    });
    tokens.push({ jwt, orgId });
    return jwt;
  };

  const organization = (o: FakeClerkUser['organizations'][number]): Json => ({
    object: 'organization',
    id: o.id,
    name: o.name,
    slug: o.id.toLowerCase(),
    image_url: '',
    has_image: false,
    members_count: 1,
    pending_invitations_count: 0,
    admin_delete_enabled: true,
    max_allowed_memberships: 5,
    public_metadata: {},
    created_at: 0,
    updated_at: 0,
  });

  const userJson = (): Json => ({
    object: 'user',
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    username: null,
    image_url: '',
    has_image: false,
    primary_email_address_id: 'idn_primary',
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    email_addresses: [
      {
        object: 'email_address',
        id: 'idn_primary',
        email_address: user.email,
        verification: { status: 'verified', strategy: 'email_code', attempts: 1, expire_at: null },
        linked_to: [],
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    passkeys: [],
    enterprise_accounts: [],
    organization_memberships: user.organizations.map((o) => ({
      object: 'organization_membership',
      id: `orgmem_${o.id}`,
      role: o.role,
      permissions: [],
      public_metadata: {},
      organization: organization(o),
      created_at: 0,
      updated_at: 0,
    })),
    public_metadata: {},
    unsafe_metadata: {},
    password_enabled: false,
    two_factor_enabled: false,
    create_organization_enabled: false,
    delete_self_enabled: false,
    created_at: 0,
    updated_at: 0,
  });

  const sessionJson = async (): Promise<Json> => ({
    object: 'session',
    id: sessionId,
    status: 'active',
    expire_at: now() + 86_400_000,
    abandon_at: now() + 86_400_000,
    last_active_at: now(),
    last_active_organization_id: state.activeOrg,
    last_active_token: { object: 'token', jwt: await mint(state.activeOrg) },
    actor: null,
    user: userJson(),
    public_user_data: {
      first_name: user.firstName,
      last_name: user.lastName,
      image_url: '',
      has_image: false,
      identifier: user.email,
    },
    factor_verification_age: [0, 0],
    tasks: null,
    created_at: 0,
    updated_at: now(),
  });

  const clientJson = async (): Promise<Json> => ({
    object: 'client',
    id: 'client_fake',
    sessions: state.signedIn ? [await sessionJson()] : [],
    sign_in: null,
    sign_up: null,
    last_active_session_id: state.signedIn ? sessionId : null,
    cookie_expires_at: null,
    captcha_bypass: false,
    created_at: 0,
    updated_at: now(),
  });

  const environment = (): Json => ({
    object: 'environment',
    id: 'env_fake',
    auth_config: { object: 'auth_config', id: 'aac_fake', single_session_mode: true },
    display_config: {
      object: 'display_config',
      id: 'display_config_fake',
      instance_environment_type: 'development',
      application_name: 'Techteam (fake Clerk)',
      sign_in_url: `${base}/sign-in`,
      sign_up_url: `${base}/sign-up`,
      user_profile_url: `${base}/user`,
      home_url: authorizedParty,
      after_sign_in_url: authorizedParty,
      after_sign_up_url: authorizedParty,
      after_sign_out_all_url: authorizedParty,
      after_sign_out_one_url: authorizedParty,
      show_devmode_warning: false,
      branded: false,
    },
    user_settings: {
      attributes: {
        email_address: {
          enabled: true,
          required: true,
          used_for_first_factor: true,
          first_factors: ['email_code'],
        },
      },
      social: {},
      sign_in: { second_factor: { required: false } },
      sign_up: { mode: 'public' },
      password_settings: { min_length: 8 },
      actions: { delete_self: false, create_organization: false },
    },
    organization_settings: { enabled: true, max_allowed_memberships: 5, force_organization_selection: false },
    commerce_settings: { billing: { enabled: false } },
    api_keys_settings: { enabled: false },
    maintenance_mode: false,
    client_debug_mode: false,
  });

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', ...cors(req) });
    res.end(JSON.stringify(body));
  };

  const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      // The SDK sends every non-GET as POST with the real method in `_method`.
      const method = (url.searchParams.get('_method') ?? req.method ?? 'GET').toUpperCase();
      const path = url.pathname;
      requests.push(`${method} ${path}`);
      if (req.method === 'OPTIONS') {
        res.writeHead(204, cors(req));
        return res.end();
      }
      const form = req.method === 'POST' ? await readForm(req) : new URLSearchParams();
      if (path === '/v1/dev_browser') return send(req, res, 200, { id: 'dvb_fake' });
      if (path === '/v1/environment') return send(req, res, 200, environment());
      if (path === '/v1/client' && method === 'GET')
        return send(req, res, 200, { response: state.signedIn ? await clientJson() : null, client: null });
      // Signing out: the whole client, or all its sessions (what clerk-js 6 sends).
      if ((path === '/v1/client' || path === '/v1/client/sessions') && method === 'DELETE') {
        state.signedIn = false;
        const client = await clientJson();
        return send(req, res, 200, { response: client, client });
      }
      const session = /^\/v1\/client\/sessions\/([^/]+)\/(tokens|touch|remove|end)(?:\/.*)?$/.exec(path);
      if (session && session[1] === sessionId && state.signedIn) {
        if (session[2] === 'tokens') {
          // `organization_id` asks for a token of that organization ('' for the personal workspace).
          const asked = form.get('organization_id');
          const orgId = asked === null ? state.activeOrg : asked || null;
          return send(req, res, 200, { object: 'token', jwt: await mint(orgId) });
        }
        if (session[2] === 'touch') {
          if (form.has('active_organization_id'))
            state.activeOrg = form.get('active_organization_id') || null;
          const client = await clientJson();
          return send(req, res, 200, { response: await sessionJson(), client });
        }
        state.signedIn = false;
        const client = await clientJson();
        return send(req, res, 200, {
          response: { object: 'session', id: sessionId, status: 'ended' },
          client,
        });
      }
      if (path === '/sign-in' && req.method === 'GET') {
        // The Account Portal's part: who signs in, then back to where the dashboard asked.
        const back = url.searchParams.get('redirect_url') ?? authorizedParty;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(
          `<!doctype html><title>Sign in (fake Clerk)</title><h1>Sign in to Techteam</h1>` +
            `<form method="post" action="/sign-in"><input type="hidden" name="redirect_url" value="${escapeHtml(back)}">` +
            `<button type="submit">Continue as ${escapeHtml(`${user.firstName} ${user.lastName}`)}</button></form>`,
        );
      }
      if (path === '/sign-in' && req.method === 'POST') {
        state.signedIn = true;
        const back = new URL(form.get('redirect_url') ?? authorizedParty);
        back.searchParams.set('__clerk_db_jwt', 'dvb_fake');
        res.writeHead(303, { location: back.toString() });
        return res.end();
      }
      send(req, res, 404, {
        errors: [{ code: 'resource_not_found', message: 'not found', long_message: `${method} ${path}` }],
      });
    })().catch((e: unknown) => {
      if (!res.headersSent) send(req, res, 500, { errors: [{ code: 'internal', message: String(e) }] });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    // A development key names its Frontend API host; the proxy URL takes precedence over it for
    // every request. The SDK treats a host under accounts.dev as a development instance (a dev
    // browser token instead of third-party cookies), as a real `pk_test_` key's host is.
    publishableKey: `pk_test_${Buffer.from('fake-techteam.clerk.accounts.dev$').toString('base64')}`,
    requests,
    tokens,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // The browser keeps connections alive; they would hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** The SDK calls with `credentials: 'include'`: the dashboard's origin must be named, not `*`. */
function cors(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
    vary: 'origin',
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
