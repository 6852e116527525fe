/**
 * The fault matrix, EC2 side: throttling (up to half of all calls), 500s, dropped connections and
 * latency spikes. Each case runs three ticks under its faults (the revoked users reconnecting
 * between them), then healthy ticks; the invariants are checked after every tick.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { type MatrixCase, type MatrixRow, matrixSummary, runMatrixCase } from './support/matrix.js';
import { scenario, START } from './support/scenario.js';

const MATRIX: readonly MatrixCase[] = [
  { name: 'no faults', seed: 1, faults: [] },
  { name: 'EC2 throttles 50% of calls', seed: 11, faults: [{ service: 'ec2', kind: 'throttle', rate: 0.5 }] },
  {
    name: 'EC2 throttles 50% of terminate calls',
    seed: 15,
    faults: [{ service: 'ec2', actions: ['@mutating'], kind: 'throttle', rate: 0.5 }],
  },
  { name: 'EC2 answers 500 to 30% of calls', seed: 12, faults: [{ service: 'ec2', kind: 'error', rate: 0.3 }] },
  { name: 'EC2 drops 25% of connections', seed: 13, faults: [{ service: 'ec2', kind: 'drop', rate: 0.25 }] },
  {
    name: 'EC2 latency spikes, 20% of terminate calls throttled',
    seed: 14,
    faults: [{ service: 'ec2', actions: ['@mutating'], kind: 'throttle', rate: 0.2 }],
    latency: [{ service: 'ec2', ms: 5, jitterMs: 120 }],
  },
  {
    name: 'EC2 throttles, fails and drops at once',
    seed: 16,
    faults: [
      { service: 'ec2', kind: 'throttle', rate: 0.3 },
      { service: 'ec2', kind: 'error', rate: 0.1 },
      { service: 'ec2', kind: 'drop', rate: 0.1 },
    ],
  },
];

describe('the fault matrix: EC2', () => {
  let sandbox: Sandbox;
  const rows: MatrixRow[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
  });
  afterAll(async () => {
    await sandbox?.stop();
    console.log(matrixSummary('Fault matrix: EC2', rows));
  });

  it.each(MATRIX.map((entry) => [entry.name, entry] as const))(
    '%s: the invariants hold during the faults and after a healthy run',
    async (_name, entry) => {
      const row = await runMatrixCase(sandbox, entry);
      rows.push(row);

      expect(row.violations).toEqual([]);
      expect(row.settledStatus).toBe('completed');
      expect(row.terminated).toBe(row.targets);
      if (entry.faults.length > 0) expect(row.faultsInjected).toBeGreaterThan(0);
    },
  );
});
