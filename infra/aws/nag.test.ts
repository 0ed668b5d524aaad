import { describe, expect, it } from 'vitest';
import { wildcardKind } from './nag';

describe('wildcard kinds', () => {
  it.each([
    ['Resource::Techteam-Data:ExportsOutputFnGetAttTableCD117FA1ArnE2C8C204/index/*', 'TableIndexes'],
    [
      'Resource::Techteam-Data:ExportsOutputFnGetAttArtifacts82DD59A1Arn3B515032/*/workspace/*',
      'TaskWorkspaces',
    ],
    [
      'Resource::Techteam-Data:ExportsOutputFnGetAttArtifacts82DD59A1Arn3B515032/sandbox/*',
      'SandboxJobObjects',
    ],
    [
      'Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:techteam-sandbox-*',
      'SandboxRunQueues',
    ],
    [
      'Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/Techteam-Sandbox-runner:*',
      'SandboxRunnerRevisions',
    ],
    ['Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/*', 'BedrockModels'],
    ['Resource::<PlanTaskFunction3070E9B5.Arn>:*', 'FunctionVersions'],
    ['Resource::*', 'NoResourceLevel'],
    [
      'Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<ApiLiveApi1B7E0A34>/live/POST/@connections/*',
      'LiveConnections',
    ],
    ['Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/*', 'BedrockModelsViaProfiles'],
  ])('names %s as %s', (finding, kind) => {
    expect(wildcardKind(finding)).toBe(kind);
  });

  it.each([
    'Resource::Techteam-Data:ExportsOutputFnGetAttArtifacts82DD59A1Arn3B515032/*',
    'Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:*',
    'Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/*',
    'Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:inference-profile/*',
    'Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<ApiLiveApi1B7E0A34>/*/*/@connections/*',
    'Action::s3:*',
    'Action::s3:GetObject*',
    'Action::dynamodb:*',
  ])('leaves an unknown wildcard %s to fail the synth', (finding) => {
    expect(wildcardKind(finding)).toBeUndefined();
  });
});
