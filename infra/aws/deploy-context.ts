import { TechteamError } from '@techteam/shared/errors';
import { AWS_SANDBOX_TIERS, type AwsSandboxTier } from '@techteam/shared/sandbox';

/** `hosted`: the SaaS, any configured provider. `byo`: deploy-your-own, Bedrock only, nothing leaves the account. */
export const DEPLOY_MODES = ['hosted', 'byo'] as const;
export type DeployMode = (typeof DEPLOY_MODES)[number];

/** What one synth is for, from the CDK context (`-c mode=… -c sandbox=…`; defaults in cdk.json). */
export interface DeployContext {
  mode: DeployMode;
  sandbox: AwsSandboxTier;
  /**
   * The availability zones of the sandbox VPC (`-c availabilityZones=eu-west-1a,eu-west-1b`, or
   * the list `npm run zones -- --write` stores in cdk.context.json after checking that the
   * instance type and every endpoint service exist there). Absent: the region's first two zones.
   */
  availabilityZones?: string[];
  /**
   * The dashboard's origin (`-c dashboardOrigin=https://app.example.com`): the one origin the
   * API's CORS policy admits. Absent: no CORS, so only same-origin pages and non-browser clients call it.
   */
  dashboardOrigin?: string;
  /**
   * Who owns the region's API Gateway CloudWatch Logs role, an account-wide setting that a
   * WebSocket stage's access logs need (`-c apiGatewayAccountRole=create|existing`). `create`: the
   * stack sets it to a role of its own, replacing whatever the account named before. `existing`:
   * the stack leaves the setting alone and the account must already name a role. Absent: `create`
   * when hosted (our own account), `existing` in byo (a customer's setting is not ours to overwrite);
   * see apiGatewayAccountRoleOf.
   */
  apiGatewayAccountRole?: ApiGatewayAccountRole;
  /**
   * ec2-gvisor only: how many gVisor hosts the sandbox may run (`-c gvisorMaxHosts=20`), which is
   * how many task runs hold a runner at once (a host holds one); and how many are kept running
   * when idle (`-c gvisorWarmHosts=0` saves the warm host's cost, and a run's first job then
   * waits for a host to boot, a few minutes). Absent: GVISOR_HOSTS's 8 and 1.
   */
  gvisorHosts?: { max?: number; warm?: number };
}

export const API_GATEWAY_ACCOUNT_ROLES = ['create', 'existing'] as const;
export type ApiGatewayAccountRole = (typeof API_GATEWAY_ACCOUNT_ROLES)[number];

/** The context's choice, or the mode's default: hosted sets the account's role, byo leaves it. */
export function apiGatewayAccountRoleOf(context: DeployContext): ApiGatewayAccountRole {
  return context.apiGatewayAccountRole ?? (context.mode === 'hosted' ? 'create' : 'existing');
}

/** A CDK context value that is missing or not one of the values the app knows; stops the synth. */
export class ContextInvalid extends TechteamError {
  constructor(key: string, value: unknown, valid: readonly string[]) {
    const got = value === undefined ? 'is missing' : `is ${JSON.stringify(value)}`;
    super(
      'ContextInvalid',
      400,
      `CDK context '${key}' ${got}; valid values: ${valid.join(', ')} (pass -c ${key}=${valid[0]})`,
      { key, valid: [...valid] },
    );
  }
}

function pick<T extends string>(key: string, value: unknown, valid: readonly T[]): T {
  if (typeof value === 'string' && (valid as readonly string[]).includes(value)) return value as T;
  throw new ContextInvalid(key, value, valid);
}

/** An availability zone's name: region plus a letter (`eu-west-1a`, `us-gov-west-1b`). */
const ZONE_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;

/** A zone list that is not two or more distinct zone names of one region; stops the synth. */
export class ZonesInvalid extends TechteamError {
  constructor(value: unknown, problem: string) {
    super(
      'ContextInvalid',
      400,
      `CDK context 'availabilityZones' is ${JSON.stringify(value)}: ${problem} (e.g. -c availabilityZones=eu-west-1a,eu-west-1b, or run npm run zones -- --region <region> --write)`,
      { key: 'availabilityZones' },
    );
  }
}

function zonesOf(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(',').map((z) => z.trim()) : value;
  if (!Array.isArray(list) || !list.every((z): z is string => typeof z === 'string'))
    throw new ZonesInvalid(value, 'must be a comma-separated list or a JSON list of zone names');
  const bad = list.find((z) => !ZONE_NAME.test(z));
  if (bad !== undefined) throw new ZonesInvalid(value, `"${bad}" is not an availability zone name`);
  if (new Set(list).size !== list.length || list.length < 2)
    throw new ZonesInvalid(value, 'needs at least two distinct zones');
  const regions = new Set(list.map((z) => z.slice(0, -1)));
  if (regions.size > 1) throw new ZonesInvalid(value, `names zones of ${regions.size} regions`);
  return list;
}

/** An origin: https, a host, no path (http only for localhost, for a dashboard in development). */
function originOf(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const fail = (problem: string) =>
    new TechteamError(
      'ContextInvalid',
      400,
      `CDK context 'dashboardOrigin' is ${JSON.stringify(value)}: ${problem}`,
      {
        key: 'dashboardOrigin',
      },
    );
  if (typeof value !== 'string') throw fail('must be an origin such as https://app.example.com');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail('must be an origin such as https://app.example.com');
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) throw fail('must use https');
  if (url.origin !== value)
    throw fail(`must be the origin alone (${url.origin}), without a path or a trailing slash`);
  return url.origin;
}

/** The most gVisor hosts a context may ask for: past this, ask AWS for the instance quota first. */
export const GVISOR_MAX_HOSTS_LIMIT = 200;

/** A host count that is not a whole number in range; stops the synth, naming the key. */
export class HostCountInvalid extends TechteamError {
  constructor(key: string, value: unknown, min: number, max: number) {
    super(
      'ContextInvalid',
      400,
      `CDK context '${key}' is ${JSON.stringify(value)}: must be a whole number from ${min} to ${max} (e.g. -c ${key}=${Math.min(max, 8)})`,
      { key },
    );
  }
}

function hostCountOf(key: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HostCountInvalid(key, value, min, max);
  return n;
}

function gvisorHostsOf(get: (key: string) => unknown): DeployContext['gvisorHosts'] {
  const max = hostCountOf('gvisorMaxHosts', get('gvisorMaxHosts'), 1, GVISOR_MAX_HOSTS_LIMIT);
  const warm = hostCountOf('gvisorWarmHosts', get('gvisorWarmHosts'), 0, max ?? GVISOR_MAX_HOSTS_LIMIT);
  if (max === undefined && warm === undefined) return undefined;
  return { ...(max !== undefined ? { max } : {}), ...(warm !== undefined ? { warm } : {}) };
}

/** Reads and checks the deploy context; `get` is `app.node.tryGetContext`. */
export function readDeployContext(get: (key: string) => unknown): DeployContext {
  const zones = zonesOf(get('availabilityZones'));
  const origin = originOf(get('dashboardOrigin'));
  const accountRole = get('apiGatewayAccountRole');
  const gvisorHosts = gvisorHostsOf(get);
  return {
    mode: pick('mode', get('mode'), DEPLOY_MODES),
    sandbox: pick('sandbox', get('sandbox'), AWS_SANDBOX_TIERS),
    ...(zones ? { availabilityZones: zones } : {}),
    ...(origin ? { dashboardOrigin: origin } : {}),
    ...(accountRole === undefined || accountRole === ''
      ? {}
      : { apiGatewayAccountRole: pick('apiGatewayAccountRole', accountRole, API_GATEWAY_ACCOUNT_ROLES) }),
    ...(gvisorHosts ? { gvisorHosts } : {}),
  };
}
