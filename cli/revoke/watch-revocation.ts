import { normalizeIdentity } from '../../lambda/domain/index.js';
import type { ListedRecord } from '../../lambda/ports/index.js';
import type { CliContext } from '../context.js';
import { OutputFormat, safeCell } from '../output/index.js';
import type { RevokeRequest } from '../policy/revocation.js';
import { describeSelection, runSettings, type RunSettingsOptions, settingsEnvironment } from '../selection.js';
import { formatAt, formatElapsed } from '../time.js';
import { type ConnectionEnd, waitForEnd, type WaitResult, type WatchedConnection } from './wait-for-end.js';
import { listIdentityConnections } from './watch-connections.js';

/** Most audit records read per identity and look (newest first): far more than one person's connections. */
const RECORDS_PER_LOOK = 500;

/** What `revoke --wait` found, as its JSON output says it. */
export interface WaitOutput {
  readonly selection: string;
  readonly watched: readonly ConnectionJson[];
  readonly ended: readonly (ConnectionJson & { runId: string | null; at: string; how: string })[];
  readonly stillUp: readonly ConnectionJson[];
  readonly refused: readonly {
    endpointId: string;
    connectionId: string;
    identity: string;
    at: string;
    policyId?: string;
  }[];
  readonly failed: readonly { endpointId: string; connectionId: string; runId: string; reason: string }[];
  /** Looks a service throttled (or failed for now); the wait backed off and went on. */
  readonly throttledLooks: number;
  readonly timedOut: boolean;
}

interface ConnectionJson {
  readonly endpointId: string;
  readonly connectionId: string;
  readonly username?: string;
  readonly commonName?: string;
}

/** Options of the wait that come from the command line. */
interface WatchOptions extends Pick<RunSettingsOptions, 'endpointIds' | 'endpointTag'> {
  readonly timeout: number;
}

/**
 * `revoke --wait`: watches the identities' connections on the deployment's endpoints until each has ended, printing
 * (table output) each end, each refusal at connect and each throttled look as it happens.
 */
export async function watchRevocation(
  context: CliContext,
  request: RevokeRequest,
  options: WatchOptions,
  since: Date,
): Promise<WaitOutput> {
  const live = context.options.output !== OutputFormat.JSON;
  const settings = runSettings(options, await settingsEnvironment(context));
  const [{ Ec2ClientVpnGateway }, { DynamoAuditQuery }] = await Promise.all([
    import('../../lambda/adapters/Ec2ClientVpnGateway.js'),
    import('../../lambda/adapters/DynamoAuditQuery.js'),
  ]);
  const ec2 = await context.clients.ec2();
  const gateway = new Ec2ClientVpnGateway(ec2, () => context.now());
  const query = new DynamoAuditQuery(await context.clients.documents(), await context.tables.name('audit'));
  let endpointIds: readonly string[] | undefined;
  const output = {
    refused: [] as WaitOutput['refused'][number][],
    failed: [] as WaitOutput['failed'][number][],
    watched: [] as ConnectionJson[],
  };
  const say = (text: string) => {
    if (live) context.print(`${text}\n`);
  };

  const result: WaitResult = await waitForEnd(
    {
      listConnections: async () => {
        endpointIds ??= (await gateway.listEndpoints(settings.selection)).map((endpoint) => endpoint.endpointId);
        return listIdentityConnections(ec2, { endpointIds, ...request });
      },
      records: async (identity, from) =>
        (await query.records({ identity, since: from }, { limit: RECORDS_PER_LOOK })).items,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      elapsedNow: () => Date.now(),
      now: () => context.now(),
    },
    {
      identities: [...request.usernames, ...request.commonNames].map(normalizeIdentity),
      since,
      timeoutMs: options.timeout,
    },
    {
      watching: (connections) => {
        output.watched.push(...connections.map(connectionJson));
        say(
          connections.length === 0
            ? `No active connection of theirs on ${describeSelection(settings.selection)}: nothing to wait for.`
            : `Waiting for ${connections.length} ${connections.length === 1 ? 'connection' : 'connections'} on ${describeSelection(settings.selection)} to end (up to ${formatElapsed(options.timeout)}):\n${connections.map((connection) => `  ${describe(connection)}`).join('\n')}`,
        );
      },
      ended: (end) => say(endedLine(end)),
      refused: (record) => {
        output.refused.push({
          endpointId: record.endpointId,
          connectionId: record.connectionId,
          identity: identityOf(record),
          at: record.at,
          ...(record.policyId ? { policyId: record.policyId } : {}),
        });
        say(
          `refused at connect: ${identityOf(record)} on ${record.endpointId} at ${formatAt(record.at)} (${record.policyId ?? 'fail mode'})`,
        );
      },
      failed: (record) => {
        output.failed.push({
          endpointId: record.endpointId,
          connectionId: record.connectionId,
          runId: record.runId,
          reason: record.reason,
        });
        say(
          `termination failed: ${record.connectionId} on ${record.endpointId} (run ${record.runId}): ${safeCell(record.reason)}; a later run tries again`,
        );
      },
      appeared: (connection) => {
        output.watched.push(connectionJson(connection));
        say(`new connection since the write, watched too: ${describe(connection)}`);
      },
      throttled: (service, code, nextLookMs) =>
        context.note(`${service} throttled the wait (${code}): looking again in ${formatElapsed(nextLookMs)}`),
    },
  );
  const timedOut = result.stillUp.length > 0 || !result.looked;
  return {
    selection: describeSelection(settings.selection),
    watched: output.watched,
    ended: result.ended.map((end) => ({
      ...connectionJson(end.connection),
      runId: end.runId ?? null,
      at: end.at,
      how: end.how,
    })),
    stillUp: result.stillUp.map(connectionJson),
    refused: output.refused,
    failed: output.failed,
    throttledLooks: result.throttled,
    timedOut,
  };
}

/** The end of the wait, for a person (the lines as they happened are printed already). */
export function printWait(context: CliContext, waited: WaitOutput): void {
  if (waited.throttledLooks > 0)
    context.note(
      `${waited.throttledLooks} ${waited.throttledLooks === 1 ? 'look was' : 'looks were'} throttled or failed for now; the wait backed off and went on`,
    );
  if (!waited.timedOut) {
    if (waited.watched.length > 0) context.print(`All ${waited.ended.length} ended.\n`);
    return;
  }
  context.print(
    waited.stillUp.length > 0
      ? `Timed out: ${waited.stillUp.length} still up:\n${waited.stillUp.map((connection) => `  ${describe(connection)}`).join('\n')}\nThe next run ends them (cvpn-guard plan shows it; cvpn-guard run starts one now).\n`
      : 'Timed out before EC2 and the audit table could be read.\n',
  );
}

function endedLine(end: ConnectionEnd): string {
  const by = end.runId ? `run ${end.runId}` : 'no run (the client left)';
  return `ended: ${describe(end.connection)} at ${formatAt(end.at)}, ${by} (${end.how})`;
}

function describe(connection: ConnectionJson | WatchedConnection): string {
  const who = connection.username ?? (connection.commonName ? `cn:${connection.commonName}` : '?');
  return `${connection.connectionId} on ${connection.endpointId} (${safeCell(who)})`;
}

function connectionJson(connection: WatchedConnection): ConnectionJson {
  return {
    endpointId: connection.endpointId,
    connectionId: connection.connectionId,
    ...(connection.username ? { username: connection.username } : {}),
    ...(connection.commonName ? { commonName: connection.commonName } : {}),
  };
}

function identityOf(record: ListedRecord): string {
  return record.username ?? (record.commonName ? `cn:${record.commonName}` : '');
}
