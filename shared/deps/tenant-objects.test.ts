import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { actAsTenant } from '../store/acting-tenant';
import { TenantScopeViolation } from '../store/tenant-errors';
import { tenantS3Clients } from './tenant-objects';

/** A bucket on loopback answering every GET with the object's key and recording who signed it. */
let server: Server;
let endpoint: string;
const received: { path: string; accessKey: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    received.push({ path: req.url ?? '', accessKey: /Credential=([^/]+)/.exec(auth)?.[1] ?? '' });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(req.url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sts = mockClient(STSClient);
afterEach(() => {
  sts.reset();
  received.length = 0;
});

const config = loadConfig({ AWS_REGION: 'eu-west-1' });
const make = (options: ConstructorParameters<typeof S3Client>[0]) =>
  new S3Client({
    ...options,
    endpoint,
    forcePathStyle: true,
    ...(options?.credentials ? {} : { credentials: { accessKeyId: 'FUNCTION', secretAccessKey: 's' } }),
  });
const get = (key: string) => new GetObjectCommand({ Bucket: 'artifacts', Key: key });

describe("a tenant's S3 client", () => {
  it("reads the tenant's own objects, signed with its assumed-role session, assumed once", async () => {
    sts.on(AssumeRoleCommand).callsFake((input: { Tags: { Value: string }[] }) => ({
      Credentials: {
        AccessKeyId: `AK${input.Tags[0]?.Value}`,
        SecretAccessKey: 'SK',
        SessionToken: 'ST',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }));
    const clientFor = tenantS3Clients(
      config,
      {
        roleArn: 'arn:aws:iam::123456789012:role/TenantData',
        access: 'read',
        sessionPrefix: 'GetFile',
        sts: new STSClient({ region: 'eu-west-1' }),
      },
      make,
    );
    await actAsTenant('acme', async () => {
      await clientFor('acme').send(get('acme/tsk_1/workspace/a.py'));
      await clientFor('acme').send(get('acme/tsk_1/workspace/b.py'));
    });
    expect(received.map((r) => r.accessKey)).toEqual(['AKacme', 'AKacme']);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it("refuses another tenant's key or prefix before sending, locally as the role's <tenant>/* resource does on AWS", async () => {
    const clientFor = tenantS3Clients(config, undefined, make);
    await expect(clientFor('acme').send(get('globex/tsk_1/workspace/a.py'))).rejects.toBeInstanceOf(
      TenantScopeViolation,
    );
    await expect(
      clientFor('acme').send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'globex/' })),
    ).rejects.toBeInstanceOf(TenantScopeViolation);
    // A key that only starts with the tenant's name is another tenant's: `acme-corp/…` is not `acme/…`.
    await expect(clientFor('acme').send(get('acme-corp/x'))).rejects.toBeInstanceOf(TenantScopeViolation);
    expect(received).toEqual([]);
  });

  it("refuses a tenant's client used while the invocation acts for another tenant", async () => {
    const clientFor = tenantS3Clients(config, undefined, make);
    await actAsTenant('acme', async () => {
      await expect(clientFor('globex').send(get('globex/tsk_1/workspace/a.py'))).rejects.toBeInstanceOf(
        TenantScopeViolation,
      );
      await clientFor('acme').send(get('acme/tsk_1/workspace/a.py'));
    });
    expect(received.map((r) => [r.path, r.accessKey])).toEqual([
      ['/artifacts/acme/tsk_1/workspace/a.py?x-id=GetObject', 'FUNCTION'],
    ]);
  });
});
