import type { DynamoDBRecord } from 'aws-lambda';

/*
 * The table stream's records, as the change publisher reads them: only the few attributes
 * a "Customer Changed" event is made of.
 */

/** The few attributes of an item that a change event is made of. */
export interface ItemFacts {
  id?: string;
  workspace?: string;
  testMode?: boolean;
  updated?: string;
  contentHash?: string;
  deleted?: boolean;
}

/** One record of the table's stream. */
export interface TableChangeRecord {
  /** Position in the shard; what a partial-batch failure reports. */
  sequenceNumber: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  newImage?: ItemFacts;
  oldImage?: ItemFacts;
}

/** A stream image's attribute values, as DynamoDB sends them (`{"S": …}`, `{"BOOL": …}`). */
export type StreamImage = Record<string, { S?: string; BOOL?: boolean } | undefined>;

/**
 * Reads only the attributes a change event needs from a stream image: no full unmarshalling,
 * so no item content (however odd) can make the publisher fail.
 */
function factsOf(image: StreamImage | undefined): ItemFacts | undefined {
  if (!image) return undefined;
  return {
    id: image.id?.S,
    workspace: image.workspace?.S,
    testMode: image.testMode?.BOOL === true,
    updated: image.updated?.S,
    contentHash: image.contentHash?.S,
    deleted: image.deleted?.BOOL === true,
  };
}

/** The records of a stream batch, reduced to what a change event needs. */
export function tableChangesOf(records: readonly DynamoDBRecord[]): TableChangeRecord[] {
  return records.map((r) => ({
    sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
    eventName: r.eventName ?? '',
    newImage: factsOf(r.dynamodb?.NewImage as StreamImage | undefined),
    oldImage: factsOf(r.dynamodb?.OldImage as StreamImage | undefined),
  }));
}
