import { randomBytes } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { SimulatedClock } from '../clock.js';
import { type ItemJson, itemSize } from './attribute-json.js';

/** How long a stream keeps a record: 24 hours (simulated). */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;
/** The one view type the sandbox's streams have, as the stack enables it on the policies table. */
export const STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES';
/** Sequence numbers start here, so every one has 21 digits, as DynamoDB's do, and they sort as text too. */
const FIRST_SEQUENCE = 800_000_000_000_000_000_000n;

/** A record as a stream holds it: what Lambda delivers, and when it arrived (simulated epoch ms). */
export interface StreamEntry {
  readonly record: DynamoDBRecord;
  readonly arrivalMs: number;
  /** The record's `SequenceNumber`, as a number to compare. */
  readonly sequence: bigint;
}

/** One item-level change to write to a stream. */
export interface ItemChange {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly keys: ItemJson;
  readonly newImage?: ItemJson;
  readonly oldImage?: ItemJson;
}

/** What a stream is told at creation. */
export interface TableStreamOptions {
  readonly clock: SimulatedClock;
  readonly region: string;
  readonly accountId: string;
  readonly tableName: string;
}

/**
 * A table's DynamoDB stream (NEW_AND_OLD_IMAGES) with one shard: records in the order the writes took effect, each
 * kept 24 hours of simulated time. Readers (an event source mapping) subscribe to hear of new records.
 */
export class TableStream {
  /** `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`; the label is the stream's creation time. */
  public readonly arn: string;
  /** The one shard's id, `shardId-<creation ms, 20 digits>-<8 hex>`. */
  public readonly shardId: string;
  public readonly tableName: string;
  /** The account and Region of the table (and of the ARN). */
  public readonly accountId: string;
  public readonly region: string;
  private entries: StreamEntry[] = [];
  private written = 0n;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: TableStreamOptions) {
    const created = options.clock.nowMs();
    const label = new Date(created).toISOString().replace(/Z$/, '');
    this.tableName = options.tableName;
    this.accountId = options.accountId;
    this.region = options.region;
    this.arn = `arn:aws:dynamodb:${options.region}:${options.accountId}:table/${options.tableName}/stream/${label}`;
    this.shardId = `shardId-${String(created).padStart(20, '0')}-${randomBytes(4).toString('hex')}`;
  }

  /** Writes one change as a record (the next sequence number, the simulated time) and tells the readers. */
  public append(change: ItemChange): StreamEntry {
    const arrivalMs = this.options.clock.nowMs();
    this.written += 1n;
    const sequence = FIRST_SEQUENCE + this.written;
    const record: DynamoDBRecord = {
      eventID: randomBytes(16).toString('hex'),
      eventName: change.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.options.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(arrivalMs / 1000),
        Keys: change.keys,
        ...(change.newImage ? { NewImage: change.newImage } : {}),
        ...(change.oldImage ? { OldImage: change.oldImage } : {}),
        SequenceNumber: String(sequence),
        SizeBytes: itemSize(change.keys) + itemSize(change.newImage) + itemSize(change.oldImage),
        StreamViewType: STREAM_VIEW_TYPE,
      },
      eventSourceARN: this.arn,
    };
    const entry: StreamEntry = { record, arrivalMs, sequence };
    this.trim();
    this.entries.push(entry);
    for (const listener of this.listeners) listener();
    return entry;
  }

  /** Every record still kept, oldest first. */
  public list(): readonly StreamEntry[] {
    this.trim();
    return [...this.entries];
  }

  /** The records after `sequence` (all of them when undefined), oldest first, at most `limit`. */
  public after(sequence: bigint | undefined, limit = Infinity): StreamEntry[] {
    this.trim();
    const start = sequence === undefined ? 0 : this.entries.findIndex((entry) => entry.sequence > sequence);
    return start < 0 ? [] : this.entries.slice(start, start + limit);
  }

  /** The latest record's sequence number; undefined before the first. */
  public latest(): bigint | undefined {
    return this.written === 0n ? undefined : FIRST_SEQUENCE + this.written;
  }

  /** Calls `listener` after each new record; returns the unsubscribe. */
  public subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets every record (the table was emptied); sequence numbers go on increasing. */
  public clear(): void {
    this.entries = [];
  }

  private trim(): void {
    const oldest = this.options.clock.nowMs() - STREAM_RETENTION_MS;
    const kept = this.entries.findIndex((entry) => entry.arrivalMs > oldest);
    if (kept === 0) return;
    this.entries = kept < 0 ? [] : this.entries.slice(kept);
  }
}
