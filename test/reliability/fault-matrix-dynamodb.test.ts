/**
 * The fault matrix, DynamoDB side: a share of writes answered 500, throttled or dropped, and both
 * services misbehaving at once. A run whose writes fail may throw out of the handler; the harness
 * then delivers the same event again with the same request id, as Lambda retries an asynchronous
 * invocation. The invariants are checked after every tick.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Sandbox, startSandbox } from '../../local/index.js';
import { type MatrixCase, type MatrixRow, matrixSummary, runMatrixCase } from './support/matrix.js';
import { scenario, START } from './support/scenario.js';

const MATRIX: readonly MatrixCase[] = [
  {
    name: 'DynamoDB answers 500 to 30% of writes',
    seed: 21,
    faults: [{ service: 'dynamodb', actions: ['@write'], kind: 'error', rate: 0.3 }],
  },
  {
    name: 'DynamoDB answers 500 to 60% of writes',
    seed: 24,
    faults: [{ service: 'dynamodb', actions: ['@write'], kind: 'error', rate: 0.6 }],
  },
  // The SDK's adaptive retry mode slows a client to half a request a second after its first throttle: a short burst keeps the test short.
  {
    name: 'DynamoDB throttles a burst of writes',
    seed: 22,
    faults: [{ service: 'dynamodb', actions: ['@write'], kind: 'throttle', rate: 0.3, count: 4 }],
  },
  {
    name: 'DynamoDB drops 20% of writes',
    seed: 23,
    faults: [{ service: 'dynamodb', actions: ['@write'], kind: 'drop', rate: 0.2 }],
  },
  {
    name: 'DynamoDB fails 20% of reads',
    seed: 25,
    faults: [{ service: 'dynamodb', actions: ['@read'], kind: 'error', rate: 0.2 }],
  },
  {
    name: 'EC2 and DynamoDB fail at once',
    seed: 31,
    faults: [
      { service: 'ec2', kind: 'throttle', rate: 0.3 },
      { service: 'ec2', kind: 'error', rate: 0.1 },
      { service: 'ec2', kind: 'drop', rate: 0.05 },
      { service: 'dynamodb', actions: ['@write'], kind: 'error', rate: 0.2 },
      { service: 'dynamodb', actions: ['@read'], kind: 'drop', rate: 0.05 },
    ],
    latency: [{ service: 'dynamodb', ms: 0, jitterMs: 30 }],
  },
];

describe('the fault matrix: DynamoDB', () => {
  let sandbox: Sandbox;
  const rows: MatrixRow[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, scenario: scenario(), clock: { start: START, frozen: true } });
  });
  afterAll(async () => {
    await sandbox?.stop();
    console.log(matrixSummary('Fault matrix: DynamoDB', rows));
  });

  it.each(MATRIX.map((entry) => [entry.name, entry] as const))(
    '%s: the invariants hold during the faults and after a healthy run',
    async (_name, entry) => {
      const row = await runMatrixCase(sandbox, entry);
      rows.push(row);

      expect(row.violations).toEqual([]);
      expect(row.settledStatus).toBe('completed');
      expect(row.terminated).toBe(row.targets);
      expect(row.faultsInjected).toBeGreaterThan(0);
    },
  );
});
