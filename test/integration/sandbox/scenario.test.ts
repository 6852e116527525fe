import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { parsePolicyRow } from '../../../lambda/domain/policy/parse-policy-row.js';
import { SandboxScenarioError, loadScenario, parseScenario, startSandbox } from '../../../local/index.js';
import { ENDPOINT_A, T0 } from './helpers.js';

const DEMO = 'examples/demo.json';

function issuesOf(document: unknown) {
  try {
    parseScenario(document, 'test.json');
  } catch (error) {
    if (error instanceof SandboxScenarioError) return error;
  }
  throw new Error('expected the scenario to be refused');
}

const minimal = (extra: Record<string, unknown> = {}) => ({ endpoints: [{ id: ENDPOINT_A }], ...extra });

describe('scenario files', () => {
  describe('validation names the path, the value and what is accepted', () => {
    it('refuses a relative time without a sign', () => {
      const error = issuesOf(minimal({ connections: [{ endpoint: ENDPOINT_A, username: 'a', established: '95m' }] }));

      expect(error.issues).toEqual([
        { path: 'connections[0].established', value: '95m', message: expect.stringContaining('"-95m"') },
      ]);
      expect(error.message).toContain('scenario test.json is invalid');
      expect(error.message).toContain('connections[0].established');
    });

    it('refuses a connection on an endpoint the scenario does not have, listing the ones it has', () => {
      const error = issuesOf(
        minimal({ connections: [{ endpoint: 'cvpn-endpoint-0000000000000beef', username: 'a' }] }),
      );

      expect(error.issues[0]).toMatchObject({
        path: 'connections[0].endpoint',
        value: 'cvpn-endpoint-0000000000000beef',
      });
      expect(error.issues[0]?.message).toContain(ENDPOINT_A);
    });

    it('refuses an unknown field and an unknown traffic profile', () => {
      const error = issuesOf(
        minimal({ connections: [{ endpoint: ENDPOINT_A, username: 'a', establised: '-5m', profile: 'sleepy' }] }),
      );

      expect(error.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            path: 'connections[0]',
            message: expect.stringContaining('unknown field "establised"'),
          }),
          expect.objectContaining({
            path: 'connections[0].profile',
            value: 'sleepy',
            message: expect.stringContaining('active, idle'),
          }),
        ]),
      );
    });

    it('refuses a malformed endpoint id, and a connection with neither username nor common name', () => {
      const error = issuesOf({ endpoints: [{ id: 'vpn-1' }], connections: [{ endpoint: 'vpn-1' }] });

      expect(error.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            path: 'endpoints[0].id',
            value: 'vpn-1',
            message: expect.stringContaining('cvpn-endpoint-'),
          }),
          expect.objectContaining({
            path: 'connections[0].username',
            message: expect.stringContaining('username, a commonName'),
          }),
        ]),
      );
    });

    it('refuses a policy row without a string policyId, and two rows with one id, but seeds malformed rows otherwise', () => {
      const missing = issuesOf(minimal({ policies: [{ kind: 'idle' }, { policyId: 7 }] }));
      const duplicate = issuesOf(minimal({ policies: [{ policyId: 'a' }, { policyId: 'a' }] }));
      const accepted = parseScenario(
        minimal({ policies: [{ policyId: 'typo', kind: 'idle', idleMinute: 5 }] }),
        'ok.json',
      );

      expect(missing.issues).toEqual([
        expect.objectContaining({ path: 'policies[0].policyId', message: expect.stringContaining('missing') }),
        expect.objectContaining({ path: 'policies[1].policyId', value: 7 }),
      ]);
      expect(duplicate.issues).toEqual([expect.objectContaining({ path: 'policies[1].policyId', value: 'a' })]);
      expect(accepted.policies).toEqual([{ policyId: 'typo', kind: 'idle', idleMinute: 5 }]);
    });

    it('refuses a scenario without endpoints', () => {
      expect(issuesOf({}).issues).toEqual([expect.objectContaining({ path: 'endpoints' })]);
    });

    it('names a file that does not exist or is not JSON', () => {
      const dir = mkdtempSync(join(tmpdir(), 'cvpn-guard-scenario-'));
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{ "endpoints": [ }');
      try {
        expect(() => loadScenario(join(dir, 'missing.json'))).toThrow(
          /missing\.json is invalid:\n {2}- \(file\): cannot be read: no such file/,
        );
        expect(() => loadScenario(broken)).toThrow(/broken\.json is invalid:\n {2}- \(file\): is not valid JSON/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('is checked before the sandbox opens anything', async () => {
      await expect(startSandbox({ scenario: { endpoints: [] } })).rejects.toBeInstanceOf(SandboxScenarioError);
    });
  });

  describe('examples/demo.json', () => {
    it('is valid and has every case the demo needs', () => {
      const demo = loadScenario(DEMO);
      const connections = demo.connections ?? [];
      const kinds = (demo.policies ?? []).map((row) => row.kind);

      expect(demo.endpoints.length).toBeGreaterThanOrEqual(2);
      expect(connections.filter((c) => c.profile === 'idle' || c.profile === 'trickle').length).toBeGreaterThanOrEqual(
        2,
      );
      expect(connections.some((c) => c.username === 'heidi' && c.count === 7)).toBe(true);
      expect(new Set(connections.filter((c) => c.username === 'mallory').map((c) => c.endpoint)).size).toBe(2);
      expect(kinds).toEqual(
        expect.arrayContaining(['revoked-user', 'idle', 'max-session', 'max-connections', 'exempt', 'off-hours']),
      );
    });

    it('has exactly one policy row the product refuses, and it is the one with the typo', () => {
      const demo = loadScenario(DEMO);

      const refused = (demo.policies ?? [])
        .map((row) => ({ row, parsed: parsePolicyRow(row) }))
        .filter(({ parsed }) => !parsed.ok);

      expect(refused.map(({ row }) => row.policyId)).toEqual(['idle-lab-typo']);
    });

    it('seeds the sandbox: two endpoints, eighteen connections and seven policy rows', async () => {
      const sandbox = await startSandbox({ scenario: DEMO, clock: { start: T0 } });
      try {
        const connections = sandbox.emulator.listConnections();

        expect(sandbox.emulator.listEndpoints()).toHaveLength(2);
        expect(connections).toHaveLength(18);
        expect(connections.filter((c) => c.username === 'heidi')).toHaveLength(7);
        expect(connections.find((c) => c.username === 'grace')?.establishedAt.toISOString()).toBe(
          '2026-11-26T01:00:00.000Z',
        );
        expect(connections.find((c) => c.username === 'ivan')?.status).toBe('terminated');
        const dynamodb = new DynamoDBClient({ ...sandbox.clientConfig(), maxAttempts: 1 });
        const rows = await dynamodb.send(new ScanCommand({ TableName: sandbox.tables.policies, Select: 'COUNT' }));
        dynamodb.destroy();
        expect(rows.Count).toBe(7);
      } finally {
        await sandbox.stop();
      }
    });
  });
});
