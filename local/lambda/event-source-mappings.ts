import type { SimulatedClock } from '../clock.js';
import { SandboxControlError } from '../errors.js';
import { seededRandom } from '../faults.js';
import { type BatchInvoker, EventSourceMapping, type StreamSource } from './event-source-mapping.js';
import { type EventSourceMappingOptions, mappingSettings } from './mapping-options.js';

/** The streams a mapping may read, by ARN. */
export type StreamLookup = (arn: string) => StreamSource | undefined;

/** What a new mapping needs of its function: its ARN and how to invoke it with a batch. */
export type FunctionBinding = (functionName: string) => { readonly arn: string; readonly invoke: BatchInvoker };

/** The Lambda service's event source mappings: created, listed, found by UUID, stopped. */
export class EventSourceMappings {
  private readonly mappings = new Map<string, EventSourceMapping>();
  private random: () => number;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly streams: StreamLookup,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** Creates and starts a mapping; a control error names a bad option, an unknown stream or function. */
  public create(options: EventSourceMappingOptions, bind: FunctionBinding): EventSourceMapping {
    const settings = mappingSettings(options);
    const stream = this.streams(settings.streamArn);
    if (!stream) {
      throw new SandboxControlError(
        `event source mapping: no stream ${settings.streamArn} in the sandbox; ` +
          'the policies table has one (sandbox.policyStream.arn, or GET /_sandbox/dynamodb/stream)',
        404,
      );
    }
    const fn = bind(settings.functionName);
    const mapping = new EventSourceMapping(settings, fn.arn, stream, this.clock, fn.invoke, () => this.random());
    this.mappings.set(mapping.uuid, mapping);
    return mapping;
  }

  /** Every mapping, in the order created. */
  public list(): EventSourceMapping[] {
    return [...this.mappings.values()];
  }

  /** One mapping; a control error (404) when there is none with that UUID. */
  public get(uuid: string): EventSourceMapping {
    const mapping = this.mappings.get(uuid);
    if (!mapping) throw new SandboxControlError(`no event source mapping ${JSON.stringify(uuid)}`, 404);
    return mapping;
  }

  /** Stops a mapping (a batch in flight ends first) and removes it. */
  public async delete(uuid: string): Promise<void> {
    const mapping = this.get(uuid);
    this.mappings.delete(uuid);
    await mapping.stop();
  }

  /** Zeroes every mapping's counters and failure records; reseeds the redelivery shares. */
  public reset(seed: number): void {
    this.random = seededRandom(seed);
    for (const mapping of this.mappings.values()) mapping.reset();
  }

  /** Stops every mapping. */
  public async stop(): Promise<void> {
    await Promise.all([...this.mappings.values()].map((mapping) => mapping.stop()));
  }
}
