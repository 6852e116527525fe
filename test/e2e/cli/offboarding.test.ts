/**
 * Offboarding end to end: `cvpn-guard revoke USER --reason … --wait` against the sandbox with the product installed,
 * the policies table's stream mapped to the enforcer and NO schedule. Nothing but the row the command writes starts
 * the run: the stream delivers the change, the enforcer ends the user's connections, and the wait sees them end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { installProduct, type InstalledProduct } from '../../../cli/sandbox/product.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';
import { scanAll } from '../../support/sandbox-enforcer.js';
import { runCli } from './support/cli-process.js';

const CORP = 'cvpn-endpoint-0e2e0000000000ff1';
const ENG = 'cvpn-endpoint-0e2e0000000000ff2';
const JDOE_CORP = 'cvpn-connection-0e2e00000000ff001';
const JDOE_ENG = 'cvpn-connection-0e2e00000000ff002';
const JDOE_ENG_2 = 'cvpn-connection-0e2e00000000ff003';
const ASMITH = 'cvpn-connection-0e2e00000000ff004';
const REASON = 'left (HR-1)';

const SCENARIO = {
  endpoints: [{ id: CORP }, { id: ENG }],
  connections: [
    { endpoint: CORP, id: JDOE_CORP, username: 'jdoe', established: '-50m' },
    { endpoint: ENG, id: JDOE_ENG, username: 'jdoe', established: '-20m' },
    { endpoint: ENG, id: JDOE_ENG_2, username: 'jdoe', established: '-5m' },
    { endpoint: CORP, id: ASMITH, username: 'asmith', established: '-1h' },
  ],
  policies: [],
};

let sandbox: Sandbox;
let product: InstalledProduct;
let clients: AwsClients;

beforeAll(async () => {
  // The clock runs: the mapping's batching window passes by itself, as in AWS; no test code moves time.
  sandbox = await startSandbox({ port: 0, scenario: SCENARIO });
  product = await installProduct(sandbox, { schedule: false, stream: true });
  clients = createAwsClients(sandbox.clientConfig());
});

afterAll(async () => {
  await product?.stop();
  clients?.dynamodb.destroy();
  await sandbox?.stop();
});

describe('offboarding: cvpn-guard revoke --wait with the stream on and no schedule', () => {
  it("exits 0 once the run the stream started has ended every connection of the user, and audits the row's reason", async () => {
    // Act
    const waited = await runCli(
      ['revoke', 'jdoe', '--reason', REASON, '--wait', '--timeout', '60s', '--sandbox', sandbox.endpoint, '--yes'],
      { timeoutMs: 75_000 },
    );
    await sandbox.lambda.settled();

    // Assert: the command's own account of it.
    expect(product.schedule).toBeUndefined();
    expect(product.ticks()).toEqual([]);
    expect(waited.stderr).not.toContain('Timed out');
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain('Waiting for 3 connections on every endpoint of the region');
    const endedLines = waited.stdout.split('\n').filter((line) => line.startsWith('ended: '));
    expect(endedLines).toHaveLength(3);
    for (const [connection, endpoint] of [
      [JDOE_CORP, CORP],
      [JDOE_ENG, ENG],
      [JDOE_ENG_2, ENG],
    ])
      expect(waited.stdout).toMatch(
        new RegExp(`ended: ${connection} on ${endpoint} \\(jdoe\\) at \\S+Z, run change-[0-9a-f]{16} \\(terminated\\)`),
      );
    expect(waited.stdout).toMatch(/All 3 ended\.\n$/);

    // Assert: what the sandbox holds.
    expect(sandbox.emulator.getConnection(ASMITH).status).toBe('active');
    const mapping = product.streamMapping?.view();
    expect(mapping?.stats.delivered).toBeGreaterThanOrEqual(1);
    const audit = await scanAll(clients, sandbox.tables.audit);
    const terminated = audit.filter((item) => item.recordType === 'decision' && item.outcome === 'terminated');
    expect(terminated.map((item) => item.connectionId).sort()).toEqual([JDOE_CORP, JDOE_ENG, JDOE_ENG_2].sort());
    for (const record of terminated) {
      expect(record.policyReason).toBe(REASON);
      expect(String(record.runId)).toMatch(/^change-[0-9a-f]{16}$/);
    }
    const summaries = audit.filter((item) => item.recordType === 'summary');
    expect(summaries.map((summary) => summary.trigger)).toContain('change');
    expect(summaries.every((summary) => summary.trigger !== 'schedule')).toBe(true);
  }, 90_000);
});
