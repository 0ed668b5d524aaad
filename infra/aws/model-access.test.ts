import { Catalog } from '@techteam/shared/gateway/catalog';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { grantBedrockCalls } from './model-access';

/** IAM's ARN matching: `*` is any run of characters (also none), `?` one character. */
const matches = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);

/** A resource as IAM sees it once CloudFormation resolved it (the partition is `aws`). */
function flatten(r: unknown): string {
  if (typeof r === 'string') return r;
  const o = r as Record<string, unknown>;
  if (o['Ref'] === 'AWS::Partition') return 'aws';
  const join = o['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(flatten).join(join[0]);
  throw new Error(`unexpected resource ${JSON.stringify(r)}`);
}

function grantedIn(region: string) {
  const stack = new Stack(new App(), 'Models', { env: { account: '111122223333', region } });
  const role = new Role(stack, 'Fn', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  grantBedrockCalls(stack, role);
  const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as {
    Properties: { PolicyDocument: { Statement: { Resource: unknown; Condition?: unknown }[] } };
  };
  const resources = (s: { Resource: unknown }) => [s.Resource].flat().map(flatten);
  const [direct, viaProfile] = policy.Properties.PolicyDocument.Statement;
  return { direct: resources(direct!), viaProfile: resources(viaProfile!), condition: viaProfile!.Condition };
}

describe('Bedrock IAM and the catalog agree', () => {
  it.each(['eu-west-1', 'ap-northeast-1', 'ap-south-1'])(
    'a stack in %s may call every profile the catalog picks there, and the models those profiles route to',
    (region) => {
      const granted = grantedIn(region);
      const bedrock = Catalog.shipped()
        .inRegion(region)
        .list()
        .filter((m) => m.provider === 'bedrock' && !m.unavailable);
      expect(bedrock.length).toBeGreaterThan(0);
      for (const m of bedrock) {
        const profileArn = `arn:aws:bedrock:${region}:111122223333:inference-profile/${m.providerModelId}`;
        expect(
          granted.direct.some((p) => matches(p, profileArn)),
          profileArn,
        ).toBe(true);
        const model = m.providerModelId.replace(/^(us|eu|jp|au|apac|global)\./, '');
        // A geographic profile runs in another region of its geography; a global one names no region.
        for (const destination of ['eu-north-1', '']) {
          const modelArn = `arn:aws:bedrock:${destination}::foundation-model/${model}`;
          expect(
            granted.viaProfile.some((p) => matches(p, modelArn)),
            modelArn,
          ).toBe(true);
        }
      }
      expect(JSON.stringify(granted.condition)).toContain('bedrock:InferenceProfileArn');
    },
  );
});
