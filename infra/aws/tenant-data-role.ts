import { TABLE_INDEXES } from '@techteam/shared/store';
import { Stack, Tags } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountPrincipal, type IGrantable, type IRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag';

/** The session tag a function sets to the tenant it acts for (shared/store/tenant-credentials.ts TENANT_TAG). */
const TAG = 'tenant';
const TENANT = `\${aws:PrincipalTag/${TAG}}`;

/**
 * The tag `admit` puts on a function's role. The trust policy admits only principals carrying
 * it, so the trust names exactly the admitted functions without naming their roles (which
 * live in stacks that depend on this one: naming them would be a cycle).
 */
export const ADMITTED_TAG = { key: 'techteam-acts-for-tenants', value: 'true' } as const;
const ADMITTED = { StringEquals: { [`aws:PrincipalTag/${ADMITTED_TAG.key}`]: ADMITTED_TAG.value } };

/** The table and object actions a tenant session may use: what the store and the workspace call. */
export const TENANT_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  // A source's chunk items go 25 at a time (shared/store/chunks.ts), all in the tenant's partitions.
  'dynamodb:BatchWriteItem',
] as const;

/**
 * The role a function assumes, tagged with a tenant, to act for that tenant: its policy admits
 * only the items whose partition key is the tenant's (`T#<tenant>` or `T#<tenant>#…`, every
 * partition of keys.ts) and only the objects under `<tenant>/` in the artifacts bucket. A
 * function acting for tenants holds no table or workspace grant of its own, only the right to
 * assume this role with a `tenant` tag; so code that builds a key with the wrong tenant is
 * refused by IAM, and so is anyone holding the function's credentials without a tenant.
 */
export class TenantDataRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: { table: ITable; artifacts: IBucket }) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      description:
        "Acts for the one tenant named by the session's tenant tag: its items and its objects only",
      // Trust the account's admitted roles only (`admit`: the tag and sts:AssumeRole on this role, both needed).
      assumedBy: new AccountPrincipal(Stack.of(this).account).withConditions(ADMITTED),
    });
    this.role.assumeRolePolicy?.addStatements(
      new PolicyStatement({
        actions: ['sts:TagSession'],
        principals: [new AccountPrincipal(Stack.of(this).account)],
        conditions: {
          ...ADMITTED,
          StringLike: { [`aws:RequestTag/${TAG}`]: '?*' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG] },
        },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: [...TENANT_TABLE_ACTIONS],
        // The indexes by name: a session queries a tenant's listings (GSI1) and, with its tenant's key, GSI2.
        resources: [
          props.table.tableArn,
          ...Object.keys(TABLE_INDEXES).map((index) => `${props.table.tableArn}/index/${index}`),
        ],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`T#${TENANT}`, `T#${TENANT}#*`] },
        },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.artifacts.arnForObjects(`${TENANT}/*`)],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [props.artifacts.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${TENANT}/*`] } },
      }),
    );
    acknowledgeWildcards(this.role, ['TenantObjects']);
  }

  /** Lets a function assume the role for a tenant it names in the session's tenant tag, and nothing else. */
  admit(grantee: IGrantable & { role?: IRole | undefined }): void {
    const role =
      grantee.role ?? (grantee.grantPrincipal instanceof Role ? grantee.grantPrincipal : undefined);
    if (!role) throw new Error('TenantDataRole.admit needs a function or role whose role it can tag');
    Tags.of(role).add(ADMITTED_TAG.key, ADMITTED_TAG.value);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.role.roleArn],
        conditions: { StringLike: { [`aws:RequestTag/${TAG}`]: '?*' } },
      }),
    );
  }
}
