/**
 * Which availability zones can hold the sandbox: zones that are available, offer
 * the ec2-gvisor hosts' instance type, and host every interface endpoint service
 * the stack creates. Not every zone has every service (us-east-1e has few, and
 * zone letters map to different physical zones per account), so the zones are
 * looked up in the target account and stored as the `availabilityZones` context.
 */
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeVpcEndpointServicesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { TechteamError } from '@techteam/shared/errors';
import type { DeployContext } from './deploy-context';
import { GVISOR_HOSTS, sandboxInterfaceEndpoints } from './stacks/sandbox-stack';

/** How many zones the sandbox VPC spans. */
export const SANDBOX_ZONE_COUNT = 2;

/** What the account says of a region, for a deploy context. */
export interface ZoneFacts {
  region: string;
  /** Zones whose state is `available`, by name, in the account's naming. */
  available: string[];
  /** The instance type and the zones offering it (ec2-gvisor only). */
  instanceType?: { name: string; zones: string[] };
  /** Each endpoint service's full name and the zones it is offered in. */
  endpointServices: { name: string; zones: string[] }[];
}

/** Fewer suitable zones than the VPC needs; says which service or instance type is missing where. */
export class ZonesUnavailable extends TechteamError {
  constructor(region: string, suitable: string[], missing: Record<string, string[]>) {
    const lines = Object.entries(missing).map(([zone, what]) => `${zone} lacks ${what.join(', ')}`);
    super(
      'ZonesUnavailable',
      400,
      `Only ${suitable.length} zone(s) of ${region} can hold the sandbox (${suitable.join(', ') || 'none'}; ${SANDBOX_ZONE_COUNT} needed): ${lines.join('; ')}`,
      { region, suitable, missing },
    );
  }
}

/** The services' full names (`com.amazonaws.<region>.sqs`) for a deploy context. */
export function endpointServiceNames(context: DeployContext, region: string): string[] {
  return sandboxInterfaceEndpoints(context).map(
    ([, service]) => `com.amazonaws.${region}.${service.shortName}`,
  );
}

/** The first zones (by name) where everything is offered; throws naming what each other zone lacks. */
export function pickZones(facts: ZoneFacts, count = SANDBOX_ZONE_COUNT): string[] {
  const missing: Record<string, string[]> = {};
  const suitable = [...facts.available].sort().filter((zone) => {
    const lacks = facts.endpointServices.filter((s) => !s.zones.includes(zone)).map((s) => s.name);
    if (facts.instanceType && !facts.instanceType.zones.includes(zone))
      lacks.unshift(facts.instanceType.name);
    if (lacks.length > 0) missing[zone] = lacks;
    return lacks.length === 0;
  });
  if (suitable.length < count) throw new ZonesUnavailable(facts.region, suitable, missing);
  return suitable.slice(0, count);
}

/** Reads the zone facts for a context from EC2 (the client's region is the target region). */
export async function lookupZoneFacts(
  ec2: EC2Client,
  region: string,
  context: DeployContext,
): Promise<ZoneFacts> {
  const zones = await ec2.send(
    new DescribeAvailabilityZonesCommand({
      Filters: [
        { Name: 'state', Values: ['available'] },
        { Name: 'zone-type', Values: ['availability-zone'] },
      ],
    }),
  );
  const available = (zones.AvailabilityZones ?? []).flatMap((z) => (z.ZoneName ? [z.ZoneName] : []));

  const names = endpointServiceNames(context, region);
  const endpointServices = names.map((name) => ({ name, zones: [] as string[] }));
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeVpcEndpointServicesCommand({
        ServiceNames: names,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const detail of page.ServiceDetails ?? []) {
      const entry = endpointServices.find((s) => s.name === detail.ServiceName);
      entry?.zones.push(...(detail.AvailabilityZones ?? []));
    }
    nextToken = page.NextToken;
  } while (nextToken);

  if (context.sandbox !== 'ec2-gvisor') return { region, available, endpointServices };
  const offerings = await ec2.send(
    new DescribeInstanceTypeOfferingsCommand({
      LocationType: 'availability-zone',
      Filters: [{ Name: 'instance-type', Values: [GVISOR_HOSTS.instanceType] }],
    }),
  );
  return {
    region,
    available,
    endpointServices,
    instanceType: {
      name: GVISOR_HOSTS.instanceType,
      zones: (offerings.InstanceTypeOfferings ?? []).flatMap((o) => (o.Location ? [o.Location] : [])),
    },
  };
}
