import {
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeVpcEndpointServicesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointServiceNames, lookupZoneFacts, pickZones, ZonesUnavailable } from './zones';

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

const region = 'us-east-1';
const allZones = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1e'];
const gvisor = { mode: 'hosted', sandbox: 'ec2-gvisor' } as const;

describe('the zones the sandbox can use', () => {
  it('names every endpoint service of the context', () => {
    expect(endpointServiceNames(gvisor, region)).toEqual(
      expect.arrayContaining(['com.amazonaws.us-east-1.ecs-agent', 'com.amazonaws.us-east-1.ecr.dkr']),
    );
    expect(endpointServiceNames({ mode: 'hosted', sandbox: 'fargate' }, region)).not.toContain(
      'com.amazonaws.us-east-1.ecs-agent',
    );
  });

  it('skips a zone without the instance type or an endpoint service, and says why', () => {
    const facts = {
      region,
      available: allZones,
      instanceType: { name: 'c7i.large', zones: ['us-east-1b', 'us-east-1c', 'us-east-1e'] },
      endpointServices: [
        { name: 'com.amazonaws.us-east-1.sqs', zones: allZones },
        { name: 'com.amazonaws.us-east-1.ecs-agent', zones: ['us-east-1a', 'us-east-1c', 'us-east-1e'] },
      ],
    };
    expect(pickZones(facts)).toEqual(['us-east-1c', 'us-east-1e']);
    try {
      pickZones(facts, 4);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ZonesUnavailable);
      expect((e as Error).message).toContain('us-east-1a lacks c7i.large');
      expect((e as Error).message).toContain('us-east-1b lacks com.amazonaws.us-east-1.ecs-agent');
    }
  });

  it('reads the facts from EC2 across pages: zones, endpoint services and instance type offerings', async () => {
    const names = endpointServiceNames(gvisor, region);
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: allZones.map((ZoneName) => ({ ZoneName, State: 'available' })),
    });
    const details = names.map((ServiceName) => ({
      ServiceName,
      AvailabilityZones: ServiceName.endsWith('.ecs-telemetry') ? ['us-east-1a', 'us-east-1b'] : allZones,
    }));
    ec2
      .on(DescribeVpcEndpointServicesCommand)
      .resolvesOnce({ ServiceDetails: details.slice(0, 3), NextToken: 'page-2' })
      .resolvesOnce({ ServiceDetails: details.slice(3) });
    ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
      InstanceTypeOfferings: ['us-east-1b', 'us-east-1c'].map((Location) => ({
        InstanceType: 'c7i.large',
        LocationType: 'availability-zone',
        Location,
      })),
    });

    const facts = await lookupZoneFacts(new EC2Client({ region }), region, gvisor);
    expect(ec2.commandCalls(DescribeVpcEndpointServicesCommand)[1]?.args[0].input).toMatchObject({
      NextToken: 'page-2',
      ServiceNames: names,
    });
    expect(ec2.commandCalls(DescribeInstanceTypeOfferingsCommand)[0]?.args[0].input).toMatchObject({
      LocationType: 'availability-zone',
      Filters: [{ Name: 'instance-type', Values: ['c7i.large'] }],
    });
    // Only us-east-1b has the instance type and ecs-telemetry: one zone is not enough.
    expect(() => pickZones(facts)).toThrow(
      'Only 1 zone(s) of us-east-1 can hold the sandbox (us-east-1b; 2 needed)',
    );
  });
});
