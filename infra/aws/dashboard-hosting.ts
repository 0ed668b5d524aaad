import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DashboardHostingProps {
  /** The HTTP API: CloudFront serves it under `/v1/*` on the dashboard's own domain (no CORS). */
  httpApi: HttpApi;
}

/**
 * The dashboard's static export on S3 behind CloudFront. The bucket is private; CloudFront reads
 * it through an Origin Access Control (SigV4), never a public website endpoint. `/v1/*` goes to the
 * HTTP API uncached with the caller's headers, so the dashboard calls its own origin. Deploy the
 * export with `aws s3 sync web/out s3://<DashboardBucket> --delete` and invalidate `/*`.
 */
export class DashboardHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: DashboardHostingProps) {
    super(scope, id);
    // CloudFront's standard logs are written with ACLs, so this bucket (only this one) keeps them on.
    const logs = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: "This is the dashboard's log bucket itself; logging its own access into itself would loop",
    });

    this.bucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      // The export is rebuilt from source at every deploy: nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    const region = Stack.of(this).region;
    const apiDomain = Fn.join('', [
      props.httpApi.apiId,
      '.execute-api.',
      region,
      '.',
      Stack.of(this).urlSuffix,
    ]);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Techteam dashboard',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
      // A static export has a page per folder; anything else is its 404 page.
      errorResponses: [
        { httpStatus: 404, responseHttpStatus: 404, responsePagePath: '/404.html', ttl: Duration.minutes(1) },
      ],
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR4',
      reason:
        'Served on the default cloudfront.net certificate, whose TLS floor CloudFront fixes; a custom domain with its ACM certificate gets TLSv1.2_2021 from minimumProtocolVersion',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR1',
      reason:
        'The dashboard is offered wherever the product is sold; who may use it is decided at sign-up (Clerk) and by Stripe, not by the viewer country',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR2',
      reason:
        'The pages are a static export; the /v1/* requests it forwards are authorized per tenant and rate-limited per tenant by the API (shared/identity) and throttled at the stage. A WAF web ACL for CloudFront lives in us-east-1 and is an operator choice',
    });

    new CfnOutput(this, 'DashboardUrl', { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(this, 'DashboardBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'DashboardDistributionId', { value: this.distribution.distributionId });
  }
}
