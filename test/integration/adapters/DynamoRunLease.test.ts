import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRunLease, LEASE_KEY } from '../../../lambda/adapters/DynamoRunLease.js';
import { type AwsClients, createAwsClients } from '../../../lambda/clients.js';
import { type Sandbox, startSandbox } from '../../../local/index.js';

const T0 = new Date('2026-11-26T10:00:00.000Z');
const minutes = (count: number) => new Date(T0.getTime() + count * 60_000);

describe('DynamoRunLease', () => {
  let sandbox: Sandbox;
  let clients: AwsClients;
  let lease: DynamoRunLease;
  const stored = async () =>
    (await clients.documents.send(new GetCommand({ TableName: sandbox.tables.state, Key: LEASE_KEY }))).Item;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: { start: T0.toISOString(), frozen: true } });
    clients = createAwsClients({ ...sandbox.clientConfig(), maxAttempts: 1 });
    lease = new DynamoRunLease(clients.documents, sandbox.tables.state);
  });

  beforeEach(async () => {
    await sandbox.reset();
  });

  afterAll(async () => {
    clients?.dynamodb.destroy();
    await sandbox?.stop();
  });

  describe('acquire', () => {
    it('takes a free lease and stores who holds it until when', async () => {
      // Act
      const taken = await lease.acquire('run-1', T0, minutes(5), 'request-1');

      // Assert
      expect(taken).toBe(true);
      expect(await stored()).toEqual({
        pk: 'LEASE',
        sk: 'enforcement',
        runId: 'run-1',
        holder: 'request-1',
        acquiredAt: T0.toISOString(),
        expiresAtMs: minutes(5).getTime(),
        ttl: minutes(5).getTime() / 1000,
      });
    });

    it('refuses a lease another run holds until it expires, and leaves that run its item', async () => {
      // Arrange
      await lease.acquire('run-1', T0, minutes(5), 'request-1');
      const before = await stored();

      // Act
      const taken = await lease.acquire('run-2', minutes(4), minutes(9), 'request-2');

      // Assert
      expect(taken).toBe(false);
      expect(await stored()).toEqual(before);
    });

    it('takes over a lease once it has expired', async () => {
      // Arrange
      await lease.acquire('run-1', T0, minutes(5), 'request-1');

      // Act
      const taken = await lease.acquire('run-2', minutes(6), minutes(11), 'request-2');

      // Assert
      expect(taken).toBe(true);
      expect(await stored()).toMatchObject({
        runId: 'run-2',
        holder: 'request-2',
        acquiredAt: minutes(6).toISOString(),
        expiresAtMs: minutes(11).getTime(),
      });
    });

    it('lets the same run and holder re-enter its own unexpired lease (a retried invocation)', async () => {
      // Arrange
      await lease.acquire('run-1', T0, minutes(5), 'request-1');

      // Act
      const taken = await lease.acquire('run-1', minutes(1), minutes(6), 'request-1');

      // Assert
      expect(taken).toBe(true);
      expect(await stored()).toMatchObject({ runId: 'run-1', holder: 'request-1', expiresAtMs: minutes(6).getTime() });
    });

    it('refuses the same run id under another holder (a duplicate delivery running beside it)', async () => {
      // Arrange
      await lease.acquire('run-1', T0, minutes(5), 'request-1');

      // Act
      const taken = await lease.acquire('run-1', minutes(1), minutes(6), 'request-2');

      // Assert
      expect(taken).toBe(false);
      expect(await stored()).toMatchObject({ holder: 'request-1', expiresAtMs: minutes(5).getTime() });
    });

    it('lets the same run id re-enter without a holder, and stores no holder attribute', async () => {
      // Arrange
      await lease.acquire('run-1', T0, minutes(5));

      // Act
      const taken = await lease.acquire('run-1', minutes(1), minutes(6));

      // Assert
      expect(taken).toBe(true);
      expect(await stored()).not.toHaveProperty('holder');
    });
  });

  describe('release', () => {
    it('deletes the lease of the run that holds it, so the next run takes it at once', async () => {
      // Arrange
      await lease.acquire('run-1', T0, minutes(5), 'request-1');

      // Act
      await lease.release('run-1');

      // Assert
      expect(await stored()).toBeUndefined();
      expect(await lease.acquire('run-2', minutes(1), minutes(6), 'request-2')).toBe(true);
    });

    it('leaves the lease of another run in place, without an error', async () => {
      // Arrange
      await lease.acquire('run-2', minutes(6), minutes(11), 'request-2');

      // Act
      await lease.release('run-1');

      // Assert
      expect(await stored()).toMatchObject({ runId: 'run-2' });
    });

    it('does nothing when no lease is held', async () => {
      // Act
      const releasing = lease.release('run-1');

      // Assert
      await expect(releasing).resolves.toBeUndefined();
      expect(await stored()).toBeUndefined();
    });
  });
});
