import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { apiGatewayAccountRoleOf, ContextInvalid, readDeployContext, ZonesInvalid } from './deploy-context';

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
