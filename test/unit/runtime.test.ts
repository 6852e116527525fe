import { describe, expect, it } from '@jest/globals';
import { DynamoChangeSignal } from '../../lambda/adapters/DynamoChangeSignal.js';
import { LambdaContinuationStarter } from '../../lambda/adapters/LambdaContinuationStarter.js';
import { createAwsClients } from '../../lambda/clients.js';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { createRuntime } from '../../lambda/runtime.js';

describe('createRuntime', () => {
  it('wires the change signal to the state table and continuations to the Lambda client', () => {
    // Arrange
    const config = loadEnforcerConfig({
      [EnvVar.POLICIES_TABLE]: 'p',
      [EnvVar.AUDIT_TABLE]: 'a',
      [EnvVar.STATE_TABLE]: 's',
    });

    // Act
    const { ports } = createRuntime(config, createAwsClients({ region: 'us-east-1' }));

    // Assert
    expect(ports.changes).toBeInstanceOf(DynamoChangeSignal);
    expect(ports.continuations).toBeInstanceOf(LambdaContinuationStarter);
    expect(config.maxContinuations).toBe(12);
  });
});
