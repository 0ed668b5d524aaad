import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { memoryKeys } from './memory-keys';
import { queryAll } from './paged-query';

export type DocumentStatus = 'queued' | 'indexed' | 'failed';

/** A tenant's document as the API shows it (its text is kept apart, in its body item). */
export interface DocumentRecord {
  id: string;
  name: string;
  contentKind: 'markdown' | 'code' | 'text';
  bytes: number;
  /** sha256 of the text. */
  contentHash: string;
  /** Changes on every upload: an ingestion finishes only for the version it started from. */
  version: string;
  status: DocumentStatus;
  /** Why ingestion failed, for `failed`. */
  reason?: string;
  chunks?: number;
  /** Chunks embedded by the last ingestion (the others were unchanged and kept their vectors). */
  embedded?: number;
  createdAt: string;
  updatedAt: string;
}

const FIELDS = [
  'id',
  'name',
  'contentKind',
  'bytes',
  'contentHash',
  'version',
  'status',
  'reason',
  'chunks',
  'embedded',
  'createdAt',
  'updatedAt',
] as const;

function view(item: Record<string, unknown>): DocumentRecord {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (item[f] !== undefined) out[f] = item[f];
  return out as unknown as DocumentRecord;
}

/** Documents and their bodies (gzipped, in an item of their own so listing never reads them). */
export class Documents {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes the record and its body in one transaction: a reader never sees a version without its text. */
  async put(tenantId: string, record: DocumentRecord, text: string): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...memoryKeys.document(tenantId, record.id),
                // Until its ingestion ends, the document is listed where a restarted host looks (GSI2).
                ...(record.status === 'queued' ? memoryKeys.unfinishedIngestion(tenantId, record.id) : {}),
                entity: 'document',
                tenantId,
                ...record,
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...memoryKeys.documentBody(tenantId, record.id),
                entity: 'document_body',
                version: record.version,
                body: gzipSync(text),
              },
            },
          },
        ],
      }),
    );
  }

  async get(tenantId: string, documentId: string): Promise<DocumentRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: memoryKeys.document(tenantId, documentId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? view(out.Item) : undefined;
  }

  /** The text of the document's current version, or undefined when it is gone or was replaced. */
  async body(tenantId: string, documentId: string, version: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: memoryKeys.documentBody(tenantId, documentId),
        ConsistentRead: true,
      }),
    );
    if (!out.Item || out.Item['version'] !== version) return undefined;
    return gunzipSync(out.Item['body'] as Uint8Array).toString('utf8');
  }

  async list(tenantId: string): Promise<DocumentRecord[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :doc)',
      ExpressionAttributeValues: { ':pk': memoryKeys.documents(tenantId), ':doc': 'DOC#' },
    });
    return items.map(view);
  }

  /**
   * Records how ingestion of `version` ended. Refused (false) when the document was deleted or
   * replaced meanwhile: the outcome of an older version must never land on a newer one.
   */
  async finish(
    tenantId: string,
    documentId: string,
    version: string,
    outcome: { status: 'indexed'; chunks: number; embedded: number } | { status: 'failed'; reason: string },
    now: string,
  ): Promise<boolean> {
    const indexed = outcome.status === 'indexed';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: memoryKeys.document(tenantId, documentId),
          UpdateExpression: indexed
            ? 'SET #status = :status, chunks = :chunks, embedded = :embedded, updatedAt = :now REMOVE reason, GSI2PK, GSI2SK'
            : 'SET #status = :status, reason = :reason, updatedAt = :now REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': outcome.status,
            ':version': version,
            ':now': now,
            ...(indexed
              ? { ':chunks': outcome.chunks, ':embedded': outcome.embedded }
              : { ':reason': outcome.reason }),
          },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /**
   * Every document, across tenants, whose ingestion has not ended (`queued`): what a host that
   * stopped mid-ingestion queues again when it starts. GSI2's `INGESTING` partition.
   */
  async unfinished(): Promise<{ tenantId: string; document: DocumentRecord }[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': memoryKeys.unfinishedIngestion('', '').GSI2PK },
    });
    return items
      .filter((i) => typeof i['tenantId'] === 'string')
      .map((i) => ({ tenantId: i['tenantId'] as string, document: view(i) }));
  }

  async delete(tenantId: string, documentId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: memoryKeys.document(tenantId, documentId) }),
    );
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: memoryKeys.documentBody(tenantId, documentId) }),
    );
  }
}
