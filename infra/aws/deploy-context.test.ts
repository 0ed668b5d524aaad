import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { GVISOR_HOSTS, gvisorHostCounts } from './constructs/sandbox/gvisor-runner';
import {
  apiGatewayAccountRoleOf,
  ContextInvalid,
  GVISOR_MAX_HOSTS_LIMIT,
  readDeployContext,
  ZonesInvalid,
} from './deploy-context';

const fromApp = (context: Record<string, unknown>) => {
  const app = new App({ context });
  return () => readDeployContext((key) => app.node.tryGetContext(key));
};

describe('deploy context', () => {
  it('reads a known mode and sandbox tier', () => {
    expect(fromApp({ mode: 'byo', sandbox: 'ec2-gvisor' })()).toEqual({ mode: 'byo', sandbox: 'ec2-gvisor' });
  });

  it("reads who owns API Gateway's account role: byo leaves it by default, hosted sets it, either may say otherwise", () => {
    const base = { sandbox: 'fargate' };
    expect(apiGatewayAccountRoleOf(fromApp({ ...base, mode: 'byo' })())).toBe('existing');
    expect(apiGatewayAccountRoleOf(fromApp({ ...base, mode: 'hosted' })())).toBe('create');
    expect(
      apiGatewayAccountRoleOf(fromApp({ ...base, mode: 'byo', apiGatewayAccountRole: 'create' })()),
    ).toBe('create');
    expect(
      apiGatewayAccountRoleOf(fromApp({ ...base, mode: 'hosted', apiGatewayAccountRole: 'existing' })()),
    ).toBe('existing');
    expect(fromApp({ ...base, mode: 'byo', apiGatewayAccountRole: 'yes' })).toThrow(
      `CDK context 'apiGatewayAccountRole' is "yes"; valid values: create, existing`,
    );
  });

  it('stops on an unknown mode, naming the key and the valid values', () => {
    const read = fromApp({ mode: 'saas', sandbox: 'fargate' });
    expect(read).toThrow(ContextInvalid);
    expect(read).toThrow(`CDK context 'mode' is "saas"; valid values: hosted, byo`);
  });

  it('stops on an unknown sandbox tier, listing the tiers', () => {
    expect(fromApp({ mode: 'hosted', sandbox: 'lambda' })).toThrow(
      `CDK context 'sandbox' is "lambda"; valid values: fargate, ec2-gvisor`,
    );
  });

  it('stops when a required value is missing, saying how to pass it', () => {
    expect(fromApp({ mode: 'hosted' })).toThrow(
      "CDK context 'sandbox' is missing; valid values: fargate, ec2-gvisor (pass -c sandbox=fargate)",
    );
  });

  it('carries the key and the valid values as details', () => {
    try {
      fromApp({ sandbox: 'fargate' })();
      expect.unreachable();
    } catch (e) {
      expect((e as ContextInvalid).details).toEqual({ key: 'mode', valid: ['hosted', 'byo'] });
    }
  });

  it('takes the sandbox zones as a comma list or a JSON list', () => {
    const zones = ['eu-west-1a', 'eu-west-1c'];
    for (const availabilityZones of ['eu-west-1a,eu-west-1c', zones])
      expect(fromApp({ mode: 'byo', sandbox: 'fargate', availabilityZones })()).toEqual({
        mode: 'byo',
        sandbox: 'fargate',
        availabilityZones: zones,
      });
  });

  it('takes the gVisor host counts, and refuses a count that is not a whole number in range, naming the key', () => {
    expect(
      fromApp({ mode: 'byo', sandbox: 'ec2-gvisor', gvisorMaxHosts: '20', gvisorWarmHosts: 0 })(),
    ).toEqual({
      mode: 'byo',
      sandbox: 'ec2-gvisor',
      gvisorHosts: { max: 20, warm: 0 },
    });
    expect(fromApp({ mode: 'byo', sandbox: 'ec2-gvisor', gvisorWarmHosts: '2' })()).toEqual({
      mode: 'byo',
      sandbox: 'ec2-gvisor',
      gvisorHosts: { warm: 2 },
    });
    for (const [key, value] of [
      ['gvisorMaxHosts', '0'],
      ['gvisorMaxHosts', 'many'],
      ['gvisorMaxHosts', 2.5],
      ['gvisorMaxHosts', String(GVISOR_MAX_HOSTS_LIMIT + 1)],
      ['gvisorWarmHosts', -1],
    ] as const)
      expect(fromApp({ mode: 'byo', sandbox: 'ec2-gvisor', [key]: value }), `${key}=${value}`).toThrow(
        new RegExp(`CDK context '${key}' is .*must be a whole number`),
      );
    // More warm hosts than the most there may be.
    expect(fromApp({ mode: 'byo', sandbox: 'ec2-gvisor', gvisorMaxHosts: 2, gvisorWarmHosts: 3 })).toThrow(
      /'gvisorWarmHosts' is 3: must be a whole number from 0 to 2/,
    );
  });

  it('builds the host counts from the context, else 8 and 1, and stops on more warm hosts than the most', () => {
    expect(gvisorHostCounts(undefined)).toEqual({ max: GVISOR_HOSTS.maxHosts, warm: GVISOR_HOSTS.warmHosts });
    expect(gvisorHostCounts({ max: 20 })).toEqual({ max: 20, warm: GVISOR_HOSTS.warmHosts });
    expect(gvisorHostCounts({ warm: 0 })).toEqual({ max: GVISOR_HOSTS.maxHosts, warm: 0 });
    expect(() => gvisorHostCounts({ warm: 12 })).toThrow(
      `CDK context 'gvisorWarmHosts' is 12: must be a whole number from 0 to ${GVISOR_HOSTS.maxHosts}`,
    );
  });

  it('takes the dashboard origin, and refuses one that is not an https origin', () => {
    expect(
      fromApp({ mode: 'hosted', sandbox: 'fargate', dashboardOrigin: 'https://app.example.com' })(),
    ).toEqual({
      mode: 'hosted',
      sandbox: 'fargate',
      dashboardOrigin: 'https://app.example.com',
    });
    for (const [dashboardOrigin, problem] of [
      ['http://app.example.com', 'must use https'],
      ['https://app.example.com/', 'without a path or a trailing slash'],
      ['app.example.com', 'must be an origin'],
    ])
      expect(fromApp({ mode: 'hosted', sandbox: 'fargate', dashboardOrigin }), dashboardOrigin).toThrow(
        problem,
      );
  });

  it.each([
    ['eu-west-1a', 'needs at least two distinct zones'],
    ['eu-west-1a,eu-west-1a', 'needs at least two distinct zones'],
    ['eu-west-1a,us-east-1b', 'names zones of 2 regions'],
    ['eu-west-1a,euw1-az2', '"euw1-az2" is not an availability zone name'],
  ])('stops on zones %s: %s', (availabilityZones, problem) => {
    const read = fromApp({ mode: 'hosted', sandbox: 'fargate', availabilityZones });
    expect(read).toThrow(ZonesInvalid);
    expect(read).toThrow(problem);
  });
});
