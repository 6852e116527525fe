import { isRowActive } from '../../lambda/domain/index.js';
import type { ClientVpnGateway } from '../../lambda/ports/index.js';
import { joinFacts } from '../../lambda/run/join-facts.js';
import type { CliContext } from '../context.js';
import { explainError } from '../explain-error.js';
import type { CheckResult } from './doctor-checks.js';

/**
 * Whether the runs know the groups of the active connections, asked only when a row in force selects by
 * `groups` (else groups change no decision, and the check would be noise): a connection's groups are known
 * only when the client connect handler admitted it and kept its facts. Undefined when no row selects by
 * groups. Reads what a run reads: the rows, each endpoint's connections, the facts in the state table.
 */
export async function checkConnectionGroups(
  context: CliContext,
  gateway: Pick<ClientVpnGateway, 'listConnections'>,
  endpointIds: readonly string[],
): Promise<CheckResult | undefined> {
  const check = 'connection groups';
  try {
    const [{ DynamoPolicyRepository }, { DynamoConnectionFacts }] = await Promise.all([
      import('../../lambda/adapters/DynamoPolicyRepository.js'),
      import('../../lambda/adapters/DynamoConnectionFacts.js'),
    ]);
    const now = context.now();
    const { rows } = await new DynamoPolicyRepository(
      await context.clients.dynamodb(),
      await context.tables.name('policies'),
    ).loadAll();
    const selecting = rows.filter((row) => (row.groups?.length ?? 0) > 0 && isRowActive(row, now));
    if (selecting.length === 0) return undefined;
    const clock = { now: () => now, sleep: async () => undefined };
    const facts = new DynamoConnectionFacts(
      await context.clients.documents(),
      await context.tables.name('state'),
      clock,
    );
    const connections = (await Promise.all(endpointIds.map((id) => gateway.listConnections(id)))).flat();
    const { unknown } = joinFacts(connections, await facts.load(endpointIds));
    const names = selecting.map((row) => row.policyId).join(', ');
    if (unknown === 0)
      return { check, status: 'pass', detail: `every active connection has known groups (rows: ${names})` };
    return {
      check,
      status: 'warn',
      detail: `${unknown} active ${unknown === 1 ? 'connection has' : 'connections have'} unknown groups: the rows selecting by groups (${names}) do not match ${unknown === 1 ? 'it' : 'them'} through groups`,
      fix: 'attach the client connect handler to every selected endpoint: it keeps the groups of the connections it admits; connections made before keep unknown groups until they reconnect',
    };
  } catch (error) {
    return {
      check,
      status: 'warn',
      detail: `could not tell: ${explainError(error, context.scene()).message}`,
    };
  }
}
