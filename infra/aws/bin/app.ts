/**
 * The CDK app (cdk.json runs it through tsx). Context: `-c mode=hosted|byo`,
 * `-c sandbox=fargate|ec2-gvisor`; defaults in cdk.json. See infra/aws/README.md.
 */

import { TechteamError } from '@techteam/shared/errors';
import { App } from 'aws-cdk-lib';
import { type DeployContext, readDeployContext } from '../deploy-context';
import { buildTechteamApp } from '../techteam-app';

const app = new App();
let context: DeployContext;
try {
  context = readDeployContext((key) => app.node.tryGetContext(key));
} catch (e) {
  // A bad flag is the operator's to fix: say which and how, without a stack trace.
  if (!(e instanceof TechteamError)) throw e;
  console.error(e.message);
  process.exit(1);
}
const revision = app.node.tryGetContext('runnerImageRevision');
buildTechteamApp(
  app,
  context,
  typeof revision === 'string' && revision ? { runnerImageRevision: revision } : {},
);
app.synth();
