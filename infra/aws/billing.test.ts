/** Stripe billing in the hosted app (and its absence in deploy-your-own), synthesized with cdk-nag on. */
import { API_ROUTES } from '@techteam/functions/routes';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { UNSET_STRIPE_SECRET } from './billing';
import { apiAccess } from './function-access';
import { functionsByHandler, synthTechteam } from './testing/synth';

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

  it('has no Stripe secret or reporter in deploy-your-own mode', () => {
    const synth = synthTechteam({ mode: 'byo', sandbox: 'fargate' });
    const api = synth.template(synth.stacks.api);
    // The API key pepper is the only secret: no Stripe key.
    api.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { SecretString: UNSET_STRIPE_SECRET }, 0);
    expect(functionsByHandler(api).has('billing/report-usage.ts')).toBe(false);
  });
});
