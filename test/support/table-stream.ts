import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { sdkClientConfig } from '../../lib/sdk/sdk-config.js';
import type { TestTable } from './dynamo.js';

/**
 * Reads every record of a DynamoDB Local table's stream, from the start, with the official
 * streams client, in the shape Lambda's event source mapping delivers them.
 */
export async function readTableStream(
  t: Pick<TestTable, 'client' | 'tableName' | 'endpoint'>,
): Promise<DynamoDBRecord[]> {
  const table = await t.client.send(new DescribeTableCommand({ TableName: t.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${t.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient(sdkClientConfig(t.endpoint));
  const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const records: DynamoDBRecord[] = [];
  for (const shard of description.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (!page.Records?.length) break;
      records.push(
        ...page.Records.map(
          (r) =>
            ({
              eventID: r.eventID,
              eventName: r.eventName,
              eventSource: 'aws:dynamodb',
              eventSourceARN: streamArn,
              dynamodb: r.dynamodb,
            }) as DynamoDBRecord,
        ),
      );
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
