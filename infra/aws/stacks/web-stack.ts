import { Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { DashboardHosting } from '../dashboard-hosting';

export interface WebStackProps extends StackProps {
  httpApi: HttpApi;
}

/** The dashboard: its static export on S3 behind CloudFront, with the HTTP API on the same domain. */
export class WebStack extends Stack {
  readonly hosting: DashboardHosting;
  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.hosting = new DashboardHosting(this, 'Dashboard', { httpApi: props.httpApi });
  }
}
