import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

export interface TableStreamReader {
  /** Why there is no stream to read (a table made before streams were on), or undefined. */
  missing?: string;
  stop(): Promise<void>;
}

/** Polling pace: fast while records flow, slower when the table is quiet. */
const BUSY_POLL_MS = 1;
const IDLE_POLL_MS = 10;
const SHARD_SCAN_MS = 1_000;
const ERROR_PAUSE_MS = 250;

/**
 * Reads DynamoDB Local's stream of the table the way Lambda's event source mapping reads it on
 * AWS: shard by shard, in order, one batch at a time handed to `onRecords` (the fan-out
 * Lambda's handler). It starts at the stream's end: writes made before the host started are
 * not news.
 */
export async function readTableStream(
  endpoint: string,
  tableName: string,
  onRecords: (records: _Record[]) => Promise<void>,
  onError: (e: unknown) => void,
): Promise<TableStreamReader> {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const region = 'us-east-1';
  const dynamo = new DynamoDBClient({ endpoint, region, credentials });
  const streams = new DynamoDBStreamsClient({ endpoint, region, credentials });
  const table = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  dynamo.destroy();
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) {
    streams.destroy();
    return { missing: `table ${tableName} has no stream`, stop: async () => {} };
  }

  let stopped = false;
  const reading = new Set<string>();
  const loops: Promise<void>[] = [];
  let first = true;

  const scanShards = async () => {
    const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      const id = shard.ShardId;
      if (!id || reading.has(id)) continue;
      const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
      if (first && closed) continue; // history from before the host started
      reading.add(id);
      // The iterator is taken before the scan returns: a write made once the host is up is read,
      // even one made before this shard's loop first polls.
      const iterator = await iteratorAt(id, first ? 'LATEST' : 'TRIM_HORIZON');
      loops.push(readShard(id, iterator));
    }
    first = false;
  };

  const iteratorAt = async (shardId: string, from: 'LATEST' | 'TRIM_HORIZON') =>
    (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: from }),
      )
    ).ShardIterator;

  const readShard = async (shardId: string, start: string | undefined) => {
    let iterator = start;
    let pause = BUSY_POLL_MS;
    while (iterator && !stopped) {
      try {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        iterator = page.NextShardIterator;
        const records = page.Records ?? [];
        if (records.length) {
          pause = BUSY_POLL_MS;
          await onRecords(records);
        } else pause = Math.min(IDLE_POLL_MS, pause * 2);
      } catch (e) {
        if (stopped) return;
        const name = (e as Error).name;
        // An iterator past its records (trimmed, or expired after 15 minutes) is taken again at
        // the shard's end; a shard that is gone ends this loop (the scan finds its successor).
        if (name === 'TrimmedDataAccessException' || name === 'ExpiredIteratorException') {
          iterator = await iteratorAt(shardId, 'LATEST').catch(() => undefined);
        } else if (name === 'ResourceNotFoundException') {
          reading.delete(shardId);
          return;
        } else onError(e);
        pause = ERROR_PAUSE_MS;
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  };

  await scanShards();
  const scanner = setInterval(() => {
    void scanShards().catch((e: unknown) => {
      if (!stopped) onError(e);
    });
  }, SHARD_SCAN_MS);

  return {
    async stop() {
      stopped = true;
      clearInterval(scanner);
      await Promise.allSettled(loops);
      streams.destroy();
    },
  };
}
