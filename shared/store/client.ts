import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE, tableDefinition } from './table';
import {
  createTenantScopedDocumentClient,
  TenantScopedDocumentClient,
  type TenantScopeOptions,
} from './tenant-scope';

export interface DynamoConnection {
  /** Set for DynamoDB Local; unset on AWS, where the SDK finds the regional endpoint. */
  endpoint?: string;
  region?: string;
  /**
   * On AWS, for a function that acts for tenants: each request is signed as the tenant its keys
   * name (an assumed role admitting only that tenant's partitions). Without it every request
   * goes with the process's own credentials.
   */
  tenantScope?: Omit<TenantScopeOptions, 'region'>;
}

/**
 * The store's client. Whatever the credentials, a request that names two tenants' partitions is
 * refused before it is sent (tenant-scope.ts), locally and in every test as on AWS.
 */
export function createDocumentClient(conn: DynamoConnection = {}): DynamoDBDocumentClient {
  const region = conn.region ?? process.env['AWS_REGION'] ?? 'us-east-1';
  if (conn.tenantScope && !conn.endpoint)
    return createTenantScopedDocumentClient({ ...conn.tenantScope, region });
  const client = new DynamoDBClient({
    region,
    ...(conn.endpoint
      ? {
          endpoint: conn.endpoint,
          // DynamoDB Local accepts any credentials; never send the host's real ones to it.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    maxAttempts: 3,
  });
  const plain = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return TenantScopedDocumentClient.over(client, () => plain);
}

/** Creates the table (with its TTL) if it is missing; used by the local host and tests, not on AWS. */
export async function ensureTable(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<'created' | 'existed'> {
  let outcome: 'created' | 'existed' = 'existed';
  try {
    await doc.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (e) {
    if ((e as Error).name !== 'ResourceNotFoundException') throw e;
    try {
      await doc.send(new CreateTableCommand(tableDefinition(tableName)));
      outcome = 'created';
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  if (outcome === 'created') {
    await doc.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  }
  return outcome;
}
