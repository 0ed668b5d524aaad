import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { DashboardHosting } from './dashboard-hosting';
import { TechteamNagChecks } from './nag';
import type { NagViolation } from './testing/synth';

let template: Template;
let violations: NagViolation[];
let suppressed: NagViolation[];

beforeAll(() => {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Web');
  const apiStack = new Stack(app, 'Api');
  const httpApi = new HttpApi(apiStack, 'HttpApi');
  Validations.of(apiStack).acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG1',
    reason:
      'A bare stand-in for the real API stack, whose stage logs its access; only the web stack is checked here',
  });
  new DashboardHosting(stack, 'Dashboard', { httpApi });
  Validations.of(app).addPlugins(new TechteamNagChecks(app));
  const assembly = app.synth();
  const reportFile = join(assembly.directory, 'validation-report.json');
  const report = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, 'utf8')) as {
        pluginReports: { violations: NagViolation[]; suppressedViolations?: NagViolation[] }[];
      })
    : { pluginReports: [] };
  violations = report.pluginReports.flatMap((r) => r.violations);
  suppressed = report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
  template = Template.fromStack(stack);
});

describe('the dashboard on S3 behind CloudFront', () => {
  it('keeps the site bucket private, encrypted, TLS-only and logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'site/' },
      BucketEncryption: Match.objectLike({}),
    });
    expect(
      template.findResources('AWS::S3::Bucket', { Properties: { WebsiteConfiguration: Match.anyValue() } }),
    ).toEqual({});
  });

  it('lets only this distribution read the bucket, through an Origin Access Control (no OAI)', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('serves pages over HTTPS with security headers, the export’s 404 page, and the API uncached under /v1/*', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          Compress: true,
          ResponseHeadersPolicyId: Match.anyValue(),
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/v1/*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: Match.arrayWith(['PUT', 'POST', 'DELETE']),
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          }),
        ],
        CustomErrorResponses: [
          { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/404.html', ErrorCachingMinTTL: 60 },
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('passes cdk-nag (AwsSolutions) with every acknowledgement reasoned', () => {
    expect(violations.filter((v) => v.severity === 'error')).toEqual([]);
    for (const s of suppressed) expect(s.reason, s.acknowledgedId).toMatch(/\w+ \w+ \w+ \w+ \w+/);
  });
});
