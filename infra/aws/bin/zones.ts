/**
 * `npm run zones -- --region eu-west-1 [--mode byo] [--sandbox ec2-gvisor] [--write]`:
 * looks up which zones of the region (in this account's zone naming) hold the
 * instance type and every endpoint service of the deploy context, prints the
 * chosen ones, and with --write stores them as the `availabilityZones` context in
 * cdk.context.json, where the next synth reads them. Needs AWS credentials.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import { TechteamError } from '@techteam/shared/errors';
import { readDeployContext } from '../deploy-context';
import { lookupZoneFacts, pickZones } from '../zones';

const root = join(import.meta.dirname, '..', '..', '..');
const { values } = parseArgs({
  options: {
    region: { type: 'string' },
    mode: { type: 'string' },
    sandbox: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const defaults = (
  JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
const region = values.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
try {
  if (!region) throw new TechteamError('RegionMissing', 400, 'Pass --region <region> (or set AWS_REGION)');
  const context = readDeployContext((key) => (values as Record<string, unknown>)[key] ?? defaults[key]);
  const zones = pickZones(await lookupZoneFacts(new EC2Client({ region }), region, context));
  console.log(`${region} (${context.mode}, ${context.sandbox}): ${zones.join(', ')}`);
  if (values.write) {
    const file = join(root, 'cdk.context.json');
    let stored: Record<string, unknown> = {};
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // No context file yet.
    }
    writeFileSync(file, `${JSON.stringify({ ...stored, availabilityZones: zones }, null, 2)}\n`);
    console.log(`stored in cdk.context.json; deploy to ${region} only with these zones`);
  } else console.log(`deploy with -c availabilityZones=${zones.join(',')} (or run again with --write)`);
} catch (e) {
  if (!(e instanceof TechteamError)) throw e;
  console.error(e.message);
  process.exit(1);
}
