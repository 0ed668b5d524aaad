import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's shape. The local host, the tests and the CDK stack all
 * read it from here, so the indexes can never differ between them.
 */
export const TABLE_INDEXES = {
  GSI1: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  GSI2: { partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
} as const;

export const TTL_ATTRIBUTE = 'expiresAt';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
      { AttributeName: 'GSI1SK', AttributeType: 'S' },
      { AttributeName: 'GSI2PK', AttributeType: 'S' },
      { AttributeName: 'GSI2SK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Object.entries(TABLE_INDEXES).map(([name, k]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: k.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: k.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}
