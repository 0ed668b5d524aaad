import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { DeployContext } from '../deploy-context';
import { buildTechteamApp, type TechteamAppOptions, type TechteamStacks } from '../techteam-app';

export interface NagViolation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
  reason?: string;
  acknowledgedId?: string;
}

export interface SynthesizedApp {
  stacks: TechteamStacks;
  template(stack: Stack): Template;
  /** cdk-nag's findings: what is still open and what was acknowledged (with reasons). */
  nag: { violations: NagViolation[]; suppressed: NagViolation[] };
  /** Whether anything ran `docker` during the synth. */
  dockerCalled: boolean;
}

/**
 * One synth of the whole app for a deploy context, as the tests use it: the
 * Lambda bundling skipped (`aws:cdk:bundling-stacks` = [], the code asset
 * stands in for the bundle), CDK's built-in CloudFormation schema check off
 * (5 s of WebAssembly per synth; `npm run synth` keeps it), cdk-nag on. A
 * `docker` on PATH that records any call shows whether synth needed Docker.
 */
export function synthTechteam(context: DeployContext, options: TechteamAppOptions = {}): SynthesizedApp {
  const shim = mkdtempSync(join(tmpdir(), 'techteam-nodocker-'));
  const marker = join(shim, 'called');
  writeFileSync(join(shim, 'docker'), `#!/bin/sh\necho "$@" >> "${marker}"\nexit 1\n`);
  chmodSync(join(shim, 'docker'), 0o755);
  const path = process.env['PATH'];
  process.env['PATH'] = `${shim}:${path ?? ''}`;
  try {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    const stacks = buildTechteamApp(app, context, options);
    // Throws ValidationFailed when cdk-nag reports an error nobody acknowledged.
    const assembly = app.synth();
    const reportFile = join(assembly.directory, 'validation-report.json');
    const report = existsSync(reportFile)
      ? (JSON.parse(readFileSync(reportFile, 'utf8')) as {
          pluginReports: { violations: NagViolation[]; suppressedViolations?: NagViolation[] }[];
        })
      : { pluginReports: [] };
    return {
      stacks,
      template: (stack) => Template.fromStack(stack),
      nag: {
        violations: report.pluginReports.flatMap((r) => r.violations),
        suppressed: report.pluginReports.flatMap((r) => r.suppressedViolations ?? []),
      },
      dockerCalled: existsSync(marker),
    };
  } finally {
    process.env['PATH'] = path;
  }
}

type Json = Record<string, unknown>;

/** The IAM policy statements attached to a role, found by the role's logical id, across the given templates. */
export function statementsOfRole(templates: Template[], roleLogicalId: string): Json[] {
  const out: Json[] = [];
  for (const t of templates) {
    for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) {
      const props = policy['Properties'] as { Roles: unknown[]; PolicyDocument: { Statement: Json[] } };
      if (JSON.stringify(props.Roles).includes(roleLogicalId)) out.push(...props.PolicyDocument.Statement);
    }
  }
  return out;
}

export function actionsOf(statements: Json[]): Set<string> {
  return new Set(statements.flatMap((s) => [s['Action']].flat() as string[]));
}

/** The logical id of a Lambda's role, from the function's `Role: {Fn::GetAtt: [id, 'Arn']}`. */
export function roleOfFunction(fn: Json): string {
  const role = (fn['Properties'] as { Role: { 'Fn::GetAtt': [string, string] } }).Role;
  return role['Fn::GetAtt'][0];
}

/** Every Lambda in a template by its description's handler file (`functions/<file>`). */
export function functionsByHandler(t: Template): Map<string, { logicalId: string; resource: Json }> {
  const out = new Map<string, { logicalId: string; resource: Json }>();
  for (const [logicalId, resource] of Object.entries(t.findResources('AWS::Lambda::Function'))) {
    const description = String((resource['Properties'] as Json)['Description'] ?? '');
    const file = /\(functions\/(.+)\)$/.exec(description)?.[1];
    if (file) out.set(file, { logicalId, resource });
  }
  return out;
}
