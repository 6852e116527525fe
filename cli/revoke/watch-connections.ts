import type { EC2Client, Filter } from '@aws-sdk/client-ec2';
import { type Connection, normalizeIdentity } from '../../lambda/domain/index.js';

/** EC2 returns at most this many connections a page. */
const PAGE_SIZE = 1000;
/** Values per `username` filter in one call (EC2 documents no limit; a few hundred keeps a request small). */
const FILTER_VALUES_PER_CALL = 200;

/** Whose connections to watch, on which endpoints. */
export interface WatchedIdentities {
  readonly endpointIds: readonly string[];
  /** Matched by EC2's `username` filter, which compares exactly. */
  readonly usernames: readonly string[];
  /** EC2 has no filter on the common name: the endpoint's connections are listed and matched as the enforcer does. */
  readonly commonNames: readonly string[];
}

/**
 * The connections of the identities on the endpoints, in any status, as EC2 lists them now
 * (DescribeClientVpnConnections, every page): by the `username` filter for user names, and by the whole listing
 * for common names (matched after trimming and case folding). Errors are the SDK's, unchanged.
 */
export async function listIdentityConnections(ec2: EC2Client, watched: WatchedIdentities): Promise<Connection[]> {
  const { paginateDescribeClientVpnConnections } = await import('@aws-sdk/client-ec2');
  const { toConnection } = await import('../../lambda/adapters/Ec2ClientVpnGateway.js');
  const found = new Map<string, Connection>();
  const commonNames = new Set(watched.commonNames.map(normalizeIdentity));
  const describe = async (endpointId: string, filters: Filter[] | undefined, keep: (c: Connection) => boolean) => {
    const pages = paginateDescribeClientVpnConnections(
      { client: ec2, pageSize: PAGE_SIZE },
      { ClientVpnEndpointId: endpointId, Filters: filters },
    );
    for await (const page of pages) {
      for (const raw of page.Connections ?? []) {
        const connection = toConnection(endpointId, raw, () => new Date());
        if (connection && keep(connection)) found.set(`${endpointId}/${connection.connectionId}`, connection);
      }
    }
  };
  for (const endpointId of watched.endpointIds) {
    for (let start = 0; start < watched.usernames.length; start += FILTER_VALUES_PER_CALL) {
      const values = watched.usernames.slice(start, start + FILTER_VALUES_PER_CALL);
      await describe(endpointId, [{ Name: 'username', Values: [...values] }], () => true);
    }
    if (commonNames.size > 0) {
      await describe(
        endpointId,
        undefined,
        (connection) =>
          connection.commonName !== undefined && commonNames.has(normalizeIdentity(connection.commonName)),
      );
    }
  }
  return [...found.values()];
}
