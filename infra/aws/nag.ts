/**
 * cdk-nag's AwsSolutions checks, with its wildcard findings (AwsSolutions-IAM5)
 * sorted into named kinds. cdk-nag names each wildcard finding by the resolved
 * resource (`AwsSolutions-IAM5[Resource::Techteam-Data:ExportsOutput…/index/*]`),
 * which changes with every logical id; acknowledging those strings would be
 * brittle. Here each finding whose resource has a known, reasoned shape is
 * renamed to its kind (`AwsSolutions-IAM5[TableIndexes]`) and acknowledged
 * per construct with that kind's reason. A wildcard of any other shape keeps
 * cdk-nag's own name, has no acknowledgement, and fails the synth.
 */
import {
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Each accepted wildcard kind: the finding shape it matches and why it is needed. */
export const WILDCARD_KINDS = {
  // Before TableIndexes, whose shape (…/index/*) it shares.
  TenantVectorIndexes: {
    finding: /^Resource::.*VectorBucket.*\/index\/\*$/,
    reason:
      "Each tenant's S3 Vectors index is made by the adapter on the tenant's first write and named after the tenant; the grant is this stack's vector bucket's indexes only",
  },
  TableIndexes: {
    finding: /^Resource::.+\/index\/\*$/,
    reason: "Queries go through the single table's GSIs; index ARNs are the table ARN + /index/<name>",
  },
  TenantObjects: {
    finding: /^Resource::.+\/<aws:PrincipalTag\/tenant>\/\*$/,
    reason:
      "The tenant data role's sessions reach the objects under their own tenant's prefix, <tenant>/*, named by the session's tenant tag",
  },
  TaskWorkspaces: {
    finding: /^Resource::.+\/\*\/workspace\/\*$/,
    reason:
      'Each task has its workspace under <tenant>/<task>/workspace/ in the artifacts bucket, named at run time',
  },
  SandboxJobObjects: {
    finding: /^Resource::.+\/sandbox\/\*$/,
    reason:
      'Sandbox job and result objects are keyed by a job id generated per job, under the sandbox/ prefix only',
  },
  RunJobObjects: {
    finding: /^Resource::.+\/sandbox\/.*PrincipalTag\/techteam-run.*\/\*$/,
    reason:
      "A run's job and result objects are keyed by a job id generated per job, under sandbox/<the session's run tag>/ only",
  },
  SandboxRunQueues: {
    finding: /^Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:techteam-sandbox-\*$/,
    reason: 'The Fargate tier creates one queue per run at run time, always named techteam-sandbox-<run id>',
  },
  SandboxRunnerTasks: {
    finding: /^Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task\/.+\/\*$/,
    reason:
      "Runner tasks get their ids when RunTask starts them; stop and tag are scoped to the sandbox cluster's tasks",
  },
  SandboxRunnerRevisions: {
    finding:
      /^Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition\/[\w-]+-runner:\*$/,
    reason:
      "RunTask names the runner's task definition by family (its latest revision), so a new runner image never changes a cross-stack export; the grant is that one family's revisions, in the sandbox cluster only",
  },
  BedrockModels: {
    finding:
      /^Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:(<AWS::AccountId>)?:(foundation-model|inference-profile)\/\*$/,
    reason:
      "The model gateway picks the model per call from the tenant's catalog; models and inference profiles of the stack's region",
  },
  BedrockModelsViaProfiles: {
    finding: /^Resource::arn:<AWS::Partition>:bedrock:\*::foundation-model\/\*$/,
    reason:
      "Cross-region inference profiles serve a call in any region of their geography, where the model's permission is checked; the statement's bedrock:InferenceProfileArn condition admits only calls through this region's profiles",
  },
  FunctionVersions: {
    finding: /^Resource::<\w+\.Arn>:\*$/,
    reason:
      'Invoking a task function includes its versions and aliases (function ARN:*), as grantInvoke writes it',
  },
  StateMachineExecutions: {
    finding: /^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.+:\*$/,
    reason: "Stopping a task's run: execution names are the task ids, known only at run time",
  },
  EcsAgentActions: {
    finding: /^Action::ecs:Submit\*$/,
    reason:
      "The ECS agent's state-change reports (ecs:Submit*), as Cluster.addAsgCapacityProvider grants them to container instances",
  },
  LiveConnections: {
    finding:
      /^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<\w+>\/live\/(POST|DELETE)\/@connections\/\*$/,
    reason:
      "Posting to and closing a live connection of this WebSocket API's stage: connection ids are API Gateway's, known only once a client connects",
  },
  NoResourceLevel: {
    finding: /^Resource::\*$/,
    reason:
      'Actions without resource-level permissions: X-Ray and CloudWatch Logs delivery, ecr:GetAuthorizationToken, ECS container-instance calls, ecs:ListTasks (limited to the sandbox cluster by the ecs:cluster condition)',
  },
} as const;
export type WildcardKind = keyof typeof WILDCARD_KINDS;

const IAM5 = /^AwsSolutions-IAM5\[(.+)\]$/;

/** The kind of an IAM5 finding (the text inside the brackets), if it has a known shape. */
export function wildcardKind(finding: string): WildcardKind | undefined {
  return (Object.keys(WILDCARD_KINDS) as WildcardKind[]).find((k) => WILDCARD_KINDS[k].finding.test(finding));
}

/** AwsSolutionsChecks, with known wildcard findings renamed to their kind. */
export class TechteamNagChecks implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  private readonly inner: AwsSolutionsChecks;

  constructor(app: IConstruct) {
    this.inner = new AwsSolutionsChecks(app);
    this.name = this.inner.name;
    if (this.inner.version) this.version = this.inner.version;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.inner.validate(context);
    return {
      ...report,
      violations: report.violations.map((v) => {
        const finding = IAM5.exec(v.ruleName)?.[1];
        const kind = finding ? wildcardKind(finding) : undefined;
        return kind ? { ...v, ruleName: `AwsSolutions-IAM5[${kind}]` } : v;
      }),
    };
  }
}

/** Acknowledges the given wildcard kinds on a construct (and its children), each with its reason. */
export function acknowledgeWildcards(scope: IConstruct, kinds: readonly WildcardKind[]): void {
  for (const kind of new Set(kinds)) {
    Validations.of(scope).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[${kind}]`,
      reason: WILDCARD_KINDS[kind].reason,
    });
  }
}

/** Acknowledges cdk-nag's finding for an AWS-managed policy attached to a role under `scope`. */
export function acknowledgeManagedPolicy(scope: IConstruct, policy: string, reason: string): void {
  Validations.of(scope).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
    reason,
  });
}
