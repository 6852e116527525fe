import { describe, expect, it } from '@jest/globals';
import { loadEnforcerConfig } from '../../lambda/config.js';
import { EnvVar } from '../../lambda/environment.js';
import { resourceEnvironment } from '../../lambda/resource-environment.js';

describe('resourceEnvironment', () => {
  it('names each table and the topic in the variable the enforcer reads it from', () => {
    // Arrange
    const resources = { tables: { policies: 'p', audit: 'a', state: 's' }, topicArn: 'arn:aws:sns:us-east-1:1:t' };

    // Act
    const environment = resourceEnvironment(resources);

    // Assert
    expect(environment).toEqual({
      [EnvVar.POLICIES_TABLE]: 'p',
      [EnvVar.AUDIT_TABLE]: 'a',
      [EnvVar.STATE_TABLE]: 's',
      [EnvVar.TOPIC_ARN]: 'arn:aws:sns:us-east-1:1:t',
    });
    expect(loadEnforcerConfig(environment)).toMatchObject({ policiesTable: 'p', auditTable: 'a', stateTable: 's' });
  });

  it('leaves the topic out when there is none', () => {
    // Act
    const environment = resourceEnvironment({ tables: { policies: 'p', audit: 'a', state: 's' } });

    // Assert
    expect(Object.keys(environment)).not.toContain(EnvVar.TOPIC_ARN);
  });
});
