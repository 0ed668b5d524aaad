import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { TENANT_TAG } from '../../shared/store/tenant-credentials';
import { TENANT_TABLE_ACTIONS, TenantDataRole } from './tenant-data-role';

/** The policy variable, as IAM reads it (not a template placeholder). */
const TENANT = ['$', '{aws:PrincipalTag/tenant}'].join('');

function synth() {
  const stack = new Stack(new App(), 'T', { env: { account: '123456789012', region: 'eu-west-1' } });
  const table = new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
  const artifacts = new Bucket(stack, 'Artifacts');
  const tenantData = new TenantDataRole(stack, 'TenantData', { table, artifacts });
  const fnRole = new Role(stack, 'FnRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  tenantData.admit(fnRole);
  return Template.fromStack(stack);
}

describe('the tenant data role', () => {
  it("admits only the tagged tenant's partitions (T#<tenant> and T#<tenant>#…) on the table and its indexes", () => {
    const template = synth();
    expect(TENANT_TAG).toBe('tenant');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: [...TENANT_TABLE_ACTIONS],
            Condition: {
              'ForAllValues:StringLike': {
                'dynamodb:LeadingKeys': [`T#${TENANT}`, `T#${TENANT}#*`],
              },
            },
          }),
        ]),
      },
    });
  });

  it("admits only objects under the tenant's own prefix, and lists only that prefix", () => {
    const template = synth();
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(`/${TENANT}/*`);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': [`${TENANT}/*`] } },
          }),
        ]),
      },
    });
    expect(policies).not.toContain('s3:DeleteObject');
    expect(policies).not.toContain('dynamodb:Scan');
  });

  it('lets an admitted function assume it only with a tenant tag, and nothing more', () => {
    const template = synth();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('FnRole') }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { StringLike: { 'aws:RequestTag/tenant': '?*' } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sts:TagSession',
            Condition: {
              StringLike: { 'aws:RequestTag/tenant': '?*' },
              'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant'] },
            },
          }),
        ]),
      },
    });
  });
});
