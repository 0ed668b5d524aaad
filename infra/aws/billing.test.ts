/** Stripe billing in the hosted app (and its absence in deploy-your-own), synthesized with cdk-nag on. */
import { API_ROUTES } from '@techteam/functions/routes';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { UNSET_STRIPE_SECRET } from './billing';
import { apiAccess } from './function-access';
import { ADMITTED_TAG } from './tenant-data-role';
import { functionsByHandler, roleOfFunction, statementsOfRole, synthTechteam } from './testing/synth';

describe('billing on AWS', () => {
  it('keeps the Stripe keys in Secrets Manager, reads them only in the billing functions, and reports usage hourly', () => {
    const synth = synthTechteam({ mode: 'hosted', sandbox: 'fargate' });
    expect(synth.nag.violations).toEqual([]);
    const api = synth.template(synth.stacks.api);
    api.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { SecretString: UNSET_STRIPE_SECRET }, 2);
    const fns = functionsByHandler(api);
    for (const route of API_ROUTES) {
      const vars = (
        (fns.get(route.file)!.resource['Properties'] as Record<string, unknown>)['Environment'] as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect('TECHTEAM_STRIPE_SECRETS' in vars, route.name).toBe(
        !!apiAccess(route.name, route.method).stripeKeys,
      );
      expect(JSON.stringify(vars)).not.toMatch(/sk_(live|test)_/);
    }
    const reporter = fns.get('billing/report-usage.ts');
    expect(reporter).toBeDefined();
    api.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [reporter!.logicalId, 'Arn'] } })]),
    });
  });

  it('scopes the webhook and the reporter to tenants: one narrow system partition each, the rest as the tenant', () => {
    const synth = synthTechteam({ mode: 'hosted', sandbox: 'fargate' });
    expect(synth.nag.violations).toEqual([]);
    const templates = [synth.stacks.data, synth.stacks.api].map((s) => synth.template(s));
    const api = templates[1]!;
    const fns = functionsByHandler(api);
    const tenantRole = Object.keys(templates[0]!.findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('TenantDataRole'),
    );
    expect(tenantRole).toBeDefined();
    const expected = {
      'billing/webhook.ts': { action: 'dynamodb:GetItem', keys: ['STRIPE#CUSTOMER#*'], index: false },
      'billing/report-usage.ts': { action: 'dynamodb:Query', keys: ['BILLING#ACCOUNTS'], index: true },
    };
    for (const [file, own] of Object.entries(expected)) {
      const fn = fns.get(file)!;
      const role = roleOfFunction(fn.resource);
      const statements = statementsOfRole(templates, role);
      const table = statements.filter((st) =>
        [st['Action']].flat().some((a) => String(a).startsWith('dynamodb:')),
      );
      // Exactly one table statement, conditioned on its one system partition: no whole-table grant.
      expect(table, file).toHaveLength(1);
      expect(table[0], file).toMatchObject({
        Action: own.action,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': own.keys } },
      });
      const resource = JSON.stringify(table[0]!['Resource']);
      if (own.index) expect(resource, file).toContain('/index/GSI1"');
      else expect(resource, file).not.toContain('/index/');
      // Admitted to the tenant data role: assumes it with a tenant tag, is tagged, and is told its ARN.
      const assume = statements.filter((st) =>
        [st['Action']].flat().some((a) => String(a).startsWith('sts:')),
      );
      expect(assume, file).toHaveLength(1);
      expect(assume[0], file).toMatchObject({
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringLike: { 'aws:RequestTag/tenant': '?*' } },
      });
      expect(JSON.stringify(assume[0]!['Resource']), file).toContain(tenantRole);
      const roleProps = api.findResources('AWS::IAM::Role')[role]!['Properties'] as Record<string, unknown>;
      expect(roleProps['Tags'], file).toContainEqual({ Key: ADMITTED_TAG.key, Value: ADMITTED_TAG.value });
      const vars = (
        (fn.resource['Properties'] as Record<string, unknown>)['Environment'] as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(JSON.stringify(vars['TECHTEAM_TENANT_ROLE_ARN']), file).toContain(tenantRole);
      expect(vars['TECHTEAM_TENANT_ACCESS'], file).toBe('readWrite');
      // No object grant of its own either: a tenant's workspace is the tenant session's.
      expect(JSON.stringify(statements), file).not.toContain('s3:');
    }
  });

  it('has no Stripe secret or reporter in deploy-your-own mode', () => {
    const synth = synthTechteam({ mode: 'byo', sandbox: 'fargate' });
    const api = synth.template(synth.stacks.api);
    // The API key pepper is the only secret: no Stripe key.
    api.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { SecretString: UNSET_STRIPE_SECRET }, 0);
    expect(functionsByHandler(api).has('billing/report-usage.ts')).toBe(false);
  });
});
