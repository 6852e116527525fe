import { describe, expect, it, jest } from '@jest/globals';
import { CliUsageError } from '../../../cli/errors.js';
import { DEFAULT_SANDBOX_URL, resolveAwsSettings, TableResolver } from '../../../cli/target.js';

const noStack = async (): Promise<Record<string, string>> => {
  throw new Error('no stack expected');
};

describe('resolveAwsSettings', () => {
  it('leaves region, credentials and endpoint to the SDK chain unless given', () => {
    expect(resolveAwsSettings({})).toEqual({
      region: undefined,
      endpoint: undefined,
      profile: undefined,
      sandbox: false,
    });
    expect(
      resolveAwsSettings({ region: 'eu-west-1', profile: 'ops', endpointUrl: 'https://vpc-endpoint.example.com/' }),
    ).toEqual({
      region: 'eu-west-1',
      endpoint: 'https://vpc-endpoint.example.com',
      profile: 'ops',
      sandbox: false,
    });
  });

  it('points every client at the sandbox with dummy credentials and its region for --sandbox', () => {
    expect(resolveAwsSettings({ sandbox: true })).toEqual({
      region: 'us-east-1',
      endpoint: DEFAULT_SANDBOX_URL,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      sandbox: true,
    });
    expect(resolveAwsSettings({ sandbox: 'http://127.0.0.1:4567' }).endpoint).toBe('http://127.0.0.1:4567');
  });

  it('refuses a sandbox "URL" that is an argument commander took for it, saying how to write it', () => {
    expect(() => resolveAwsSettings({ sandbox: 'idle-30m' })).toThrow(CliUsageError);
    expect(() => resolveAwsSettings({ sandbox: 'idle-30m' })).toThrow(
      /--sandbox "idle-30m" is not a URL.*--sandbox=URL/,
    );
  });

  it('refuses --stack or --endpoint-url with --sandbox', () => {
    expect(() => resolveAwsSettings({ sandbox: true, stack: 'CvpnGuard' })).toThrow(
      /--stack CvpnGuard and --sandbox exclude each other/,
    );
    expect(() => resolveAwsSettings({ sandbox: true, endpointUrl: 'http://x:1' })).toThrow(
      /--endpoint-url and --sandbox exclude each other/,
    );
  });
});

describe('TableResolver', () => {
  it('takes a flag first, then the stack output, reading the stack once', async () => {
    // Arrange
    const readStack = jest.fn(async (_stackName: string) => ({
      PoliciesTableName: 'Stack-Policies-1',
      AuditTableName: 'Stack-Audit-1',
      StateTableName: 'Stack-State-1',
    }));
    const tables = new TableResolver(
      { stack: 'CvpnGuard', auditTable: 'my-audit' },
      { CVPN_GUARD_POLICIES_TABLE: 'from-env' },
      readStack,
    );

    // Act
    const names = [await tables.name('policies'), await tables.name('audit'), await tables.name('state')];

    // Assert
    expect(names).toEqual(['Stack-Policies-1', 'my-audit', 'Stack-State-1']);
    expect(readStack).toHaveBeenCalledTimes(1);
    expect(readStack).toHaveBeenCalledWith('CvpnGuard');
  });

  it('uses the sandbox names for --sandbox, over environment variables', async () => {
    const tables = new TableResolver({ sandbox: true }, { CVPN_GUARD_POLICIES_TABLE: 'prod-policies' }, noStack);
    expect(await tables.name('policies')).toBe('cvpn-guard-policies');
    expect(await tables.name('audit')).toBe('cvpn-guard-audit');
  });

  it("falls back to the enforcer's environment variables", async () => {
    const tables = new TableResolver({}, { CVPN_GUARD_STATE_TABLE: ' state-x ' }, noStack);
    expect(await tables.name('state')).toBe('state-x');
  });

  it('names every way to give a table when none does', async () => {
    const tables = new TableResolver({}, {}, noStack);
    await expect(tables.name('audit')).rejects.toThrow(
      'no audit table: pass --stack NAME (the deployed stack), --audit-table NAME, set CVPN_GUARD_AUDIT_TABLE, or pass --sandbox for the local sandbox',
    );
  });

  it('names the missing output and the ones the stack has', async () => {
    const tables = new TableResolver({ stack: 'Other' }, {}, async () => ({ BucketName: 'b' }));
    await expect(tables.name('policies')).rejects.toThrow(
      'stack Other has no output PoliciesTableName (it has BucketName): is it a cvpn-guard stack? Pass --policies-table NAME instead',
    );
  });
});
