/**
 * The CDK app (cdk.json runs it through tsx). Context: `-c mode=hosted|byo`,
 * `-c sandbox=fargate|ec2-gvisor`; defaults in cdk.json. See infra/aws/README.md.
 */
import { App } from 'aws-cdk-lib';
import { readDeployContext } from '../deploy-context';
import { buildTechteamApp } from '../techteam-app';

const app = new App();
buildTechteamApp(
  app,
  readDeployContext((key) => app.node.tryGetContext(key)),
);
app.synth();
