/**
 * The demo's second part: clients connect through the client connect handler, as Client VPN asks it. Each story
 * may add policy rows first (as an operator would), then makes attempts; the answers are printed as the client
 * sees them, then the admission records the handler wrote to the audit table.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { renderTable } from '../cli/output/table.js';
import type { Column } from '../cli/output/columns.js';
import { isAdmissionItem, itemToAdmission, runPk } from '../lambda/adapters/audit-item.js';
import { gateRunId } from '../lambda/gate/index.js';
import type { AdmissionRecord } from '../lambda/ports/index.js';
import { defaultValue, Setting } from '../lambda/settings/index.js';
import type { ConnectAttemptInput, Sandbox } from '../local/index.js';

const CORP = 'cvpn-endpoint-0c0ffee0000000001';
const ENG = 'cvpn-endpoint-0c0ffee0000000002';

/** One story: the rows an operator adds first, then the clients that connect. */
export interface AdmissionStory {
  readonly title: string;
  readonly rows?: readonly Record<string, unknown>[];
  readonly attempts: readonly ConnectAttemptInput[];
}

/** The three stories: a revoked user, a lockdown with an exempt admin, a contractor off hours. */
export const ADMISSION_STORIES: readonly AdmissionStory[] = [
  {
    title: 'mallory, revoked and ended by tick 1, connects again',
    attempts: [{ endpoint: CORP, username: 'mallory', commonName: 'mallory.corp.example.com' }],
  },
  {
    title: 'security locks eng-vpn down for an incident; the break-glass admin and erin connect',
    rows: [
      {
        policyId: 'lockdown-eng',
        kind: 'lockdown',
        enabled: true,
        mode: 'enforce',
        endpoints: [ENG],
        message: 'eng-vpn is locked down for incident INC-2207; only the incident team may connect.',
        expiresAt: '2026-11-26T20:30:00Z',
        reason: 'Incident INC-2207: suspected credential leak',
        updatedBy: 'security@example.com',
        version: 1,
      },
    ],
    attempts: [
      { endpoint: ENG, username: 'breakglass-admin' },
      { endpoint: ENG, username: 'erin' },
    ],
  },
  {
    title: 'contractors may connect on working days, 08:00–18:00 in Berlin; oscar (a contractor) and alice connect',
    rows: [
      {
        policyId: 'contractor-hours',
        kind: 'off-hours',
        enabled: true,
        mode: 'enforce',
        endpoints: [CORP],
        groups: ['contractors'],
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: '08:00',
        end: '18:00',
        timezone: 'Europe/Berlin',
        message: 'Contractor access is open Monday to Friday, 08:00–18:00 Berlin time.',
        reason: 'Contractors work office hours only (contract clause 7.2)',
        updatedBy: 'it-security@example.com',
        version: 1,
      },
    ],
    attempts: [
      { endpoint: CORP, username: 'oscar', groups: ['contractors'] },
      { endpoint: CORP, username: 'alice', groups: ['staff'] },
    ],
  },
];

const admissionColumns: readonly Column<AdmissionRecord>[] = [
  { header: 'time', value: (r) => r.at.slice(0, 19).replace('T', ' ') },
  { header: 'endpoint', value: (r) => r.endpointId.replace('cvpn-endpoint-', '…') },
  { header: 'identity', value: (r) => r.username ?? r.commonName ?? '' },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'policy', value: (r) => r.policyId ?? '' },
  { header: 'fired', value: (r) => r.firedPolicies.join(', ') },
  { header: 'exempted by', value: (r) => r.exemptedBy ?? '' },
];

/**
 * Tells each story on the sandbox: writes its rows, lets the handler's policy cache expire (on the simulated
 * clock), makes its attempts and prints the answers; then prints the day's admission records.
 */
export async function tellAdmissionStories(
  sandbox: Sandbox,
  documents: DynamoDBDocumentClient,
  auditTable: string,
  stories: readonly AdmissionStory[] = ADMISSION_STORIES,
): Promise<void> {
  const cacheMs = defaultValue(Setting.POLICY_CACHE_SECONDS) * 1000;
  console.log('Clients connect: Client VPN asks the client connect handler about each attempt');
  for (const story of stories) {
    console.log(`\n${story.title}`);
    if (story.rows) {
      await sandbox.putItems('policies', story.rows);
      for (const row of story.rows) console.log(`  + policy row ${String(row.policyId)} (${String(row.kind)})`);
      // The handler reads the rows again once its cache is older than policyCacheSeconds.
      sandbox.clock.advance(cacheMs + 1000);
    }
    for (const attempt of story.attempts) {
      const result = await sandbox.connect(attempt);
      const who = attempt.username ?? attempt.commonName ?? '?';
      const groups = attempt.groups?.length ? ` (groups ${attempt.groups.join(', ')})` : '';
      const answer = result.admitted ? 'admitted' : `refused: "${result.message ?? ''}"`;
      const at = sandbox.clock.now().toISOString().slice(11, 19);
      console.log(`  ${at} ${who}${groups} → ${attempt.endpoint.replace('cvpn-endpoint-', '…')}: ${answer}`);
      // A second apart, so the records list the attempts in the order they were made.
      sandbox.clock.advance(1000);
    }
  }
  const records = await admissionRecords(documents, auditTable, gateRunId(sandbox.clock.now()));
  console.log(
    `\nAdmission records (${gateRunId(sandbox.clock.now())}): ${records.length}, one per attempt a row decided\n`,
  );
  console.log(renderTable(admissionColumns, records));
  for (const record of records.filter((r) => r.message))
    console.log(`  ${record.username ?? record.commonName}: ${record.reason}`);
  console.log('');
}

/** The handler's records of one UTC day, in the order they were written. */
async function admissionRecords(
  documents: DynamoDBDocumentClient,
  auditTable: string,
  runId: string,
): Promise<AdmissionRecord[]> {
  const records: AdmissionRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: auditTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': runPk(runId) },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) if (isAdmissionItem(item)) records.push(itemToAdmission(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records.sort((left, right) => left.at.localeCompare(right.at));
}
