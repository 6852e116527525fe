/**
 * Three simulated days of a small fleet on the sandbox with the product installed: two endpoints, some twenty users
 * connecting through the client connect handler, policy rows of every kind, a revocation written mid-way, a cap that
 * trips once, a row invalid for two stretches, a partial run, a gap in the schedule, a failed canary, a fail-mode
 * answer and a throttled terminate call. The enforcer is invoked on a coarse, jittered schedule (about every
 * simulated hour) so the whole period runs in seconds; the policies table's stream starts change runs.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { GATE_FUNCTION_NAME, type InstalledProduct } from '../../../../cli/sandbox/product.js';
import { schedulerTime } from '../../../../cli/sandbox/schedule.js';
import type { AwsClients } from '../../../../lambda/clients.js';
import type { Sandbox } from '../../../../local/index.js';

export const CORP = 'cvpn-endpoint-0e2e0000000005e01';
export const ENG = 'cvpn-endpoint-0e2e0000000005e02';

/** Monday 00:00 UTC: the first of the three simulated days. */
export const START = '2026-11-23T00:00:00Z';
export const DAYS = 3;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START_MS = Date.parse(START);
/** The end of the simulated period (exclusive). */
export const END = new Date(START_MS + DAYS * DAY).toISOString();

/** The connection-hour price the report is run with (not the default, so the setting is seen to apply). */
export const PRICES_SETTING = 'us-east-1=0.07,eu-west-1=0.06';

export const Policy = {
  IDLE: 'idle-45m',
  MAX_SESSION: 'corp-max-session-8h',
  OFF_HOURS: 'contractor-hours',
  OBSERVE: 'eng-night-watch',
  REVOKE: 'offboard-u07-u09',
  EXEMPT: 'exempt-u05',
  CAPPED: 'two-sessions-capped',
  INVALID: 'idle-lab',
} as const;

/** Staff who connect every morning, with their endpoint and traffic; all but u11 go home at 17:40. */
const STAFF: readonly { username: string; endpoint: string; profile: 'active' | 'idle' }[] = [
  { username: 'u01', endpoint: CORP, profile: 'active' },
  { username: 'u02', endpoint: CORP, profile: 'active' },
  { username: 'u03', endpoint: CORP, profile: 'idle' },
  { username: 'u04', endpoint: CORP, profile: 'active' },
  { username: 'u05', endpoint: CORP, profile: 'idle' },
  { username: 'u06', endpoint: CORP, profile: 'active' },
  { username: 'u07', endpoint: CORP, profile: 'active' },
  { username: 'u08', endpoint: ENG, profile: 'active' },
  { username: 'u09', endpoint: ENG, profile: 'active' },
  { username: 'u10', endpoint: ENG, profile: 'idle' },
  { username: 'u12', endpoint: ENG, profile: 'active' },
  { username: 'u13', endpoint: ENG, profile: 'active' },
  { username: 'u14', endpoint: ENG, profile: 'active' },
  { username: 'u16', endpoint: CORP, profile: 'active' },
  { username: 'u17', endpoint: CORP, profile: 'active' },
  { username: 'u18', endpoint: ENG, profile: 'active' },
  { username: 'u19', endpoint: ENG, profile: 'active' },
  { username: 'u20', endpoint: CORP, profile: 'active' },
];
const CONTRACTORS = ['c01', 'c02'];

/** The rows in force from the start (the revocation and the lab row are written later). */
export const INITIAL_POLICIES: readonly Record<string, unknown>[] = [
  {
    policyId: Policy.IDLE,
    kind: 'idle',
    mode: 'enforce',
    endpoints: ['*'],
    idleMinutes: 45,
    minBytes: 100_000,
    reason: 'Idle sessions hold client IPs and licences',
  },
  {
    policyId: Policy.MAX_SESSION,
    kind: 'max-session',
    mode: 'enforce',
    endpoints: [CORP],
    maxSessionMinutes: 480,
    reason: 'Corporate sessions reconnect after a working day',
  },
  {
    policyId: Policy.OFF_HOURS,
    kind: 'off-hours',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: [...CONTRACTORS, 'u05'],
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '08:00',
    end: '18:00',
    timezone: 'UTC',
    message: 'Contractor access is for office hours.',
    reason: 'Contractors work office hours',
  },
  {
    policyId: Policy.OBSERVE,
    kind: 'off-hours',
    mode: 'observe',
    endpoints: [ENG],
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    start: '06:00',
    end: '22:00',
    timezone: 'UTC',
    reason: 'Watching night use of the engineering VPN before enforcing',
  },
  {
    policyId: Policy.EXEMPT,
    kind: 'exempt',
    endpoints: ['*'],
    usernames: ['u05'],
    reason: 'On call this week',
  },
  {
    policyId: Policy.CAPPED,
    kind: 'max-connections',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['u13', 'u14'],
    maxConnections: 2,
    maxTerminations: 2,
    reason: 'One laptop and one phone',
  },
];

/** What the simulation did, for the test to check it reached every case. */
export interface FleetRun {
  readonly ticks: number;
  readonly manualRuns: number;
  readonly attempts: number;
  /** ISO time the revocation row was written. */
  readonly revokedAt: string;
}

type Step = { readonly at: number; readonly act: () => Promise<void> | void };

/** Runs the three days. The product must be installed with `schedule: false` and the stream on. */
export async function simulateFleet(
  sandbox: Sandbox,
  product: InstalledProduct,
  clients: AwsClients,
): Promise<FleetRun> {
  const emulator = sandbox.emulator;
  let attempts = 0;
  let ticks = 0;
  let manualRuns = 0;
  let revokedAt = '';

  const connect = async (username: string, endpoint: string, profile = 'active'): Promise<string | undefined> => {
    // Two seconds apart: the handler counts a user's connections at most once a second.
    sandbox.clock.advance(2000);
    attempts += 1;
    const result = await sandbox.connect({ endpoint, username, profile });
    return result.connectionId;
  };
  const activeOf = (usernames: readonly string[]) =>
    emulator.listConnections().filter((c) => c.status === 'active' && usernames.includes(c.username ?? ''));
  const disconnectAll = (usernames: readonly string[]) => {
    for (const connection of activeOf(usernames)) emulator.disconnect(connection.connectionId);
  };
  const writeRow = async (row: Record<string, unknown>) => {
    await clients.documents.send(new PutCommand({ TableName: sandbox.tables.policies, Item: row }));
    // The stream's batching window (1 s) passes, and the change run it starts ends before anything else happens.
    sandbox.clock.advance(1500);
    await sandbox.lambda.settled();
  };
  const invoke = async (event: Record<string, unknown>) => {
    const outcome = await sandbox.lambda.invokeAsService(product.enforcerName, event);
    if (outcome.kind !== 'returned') throw new Error(`the enforcer's run failed: ${JSON.stringify(outcome)}`);
    await sandbox.lambda.settled();
  };

  const steps: Step[] = [];
  /** What happens once the next scheduled run has seen the fleet as it is. */
  const afterNextTick: (() => void)[] = [];
  const at = (day: number, hhmm: string, act: Step['act']) => {
    const [hours, minutes] = hhmm.split(':').map(Number);
    steps.push({ at: START_MS + day * DAY + (hours ?? 0) * HOUR + (minutes ?? 0) * MINUTE, act });
  };

  for (let day = 0; day < DAYS; day += 1) {
    at(day, '08:10', async () => {
      for (const member of STAFF) await connect(member.username, member.endpoint, member.profile);
      if (day === 0) {
        await connect('u11', ENG);
        const failing = await connect('u15', CORP, 'idle');
        if (failing) emulator.modifyConnection(failing, { failTermination: true });
      }
      // A second laptop of the user revoked later that day.
      if (day === 1) await connect('u07', ENG);
    });
    at(day, '09:00', async () => {
      for (const contractor of CONTRACTORS) await connect(contractor, ENG);
    });
    at(day, '12:00', async () => {
      // The idle ones come back, and go idle again.
      await connect('u03', CORP, 'idle');
      await connect('u10', ENG, 'idle');
    });
    at(day, '17:40', () => disconnectAll(STAFF.map((member) => member.username).filter((name) => name !== 'u05')));
    at(day, '17:41', () => disconnectAll(['u05', 'u15']));
    at(day, '20:00', async () => {
      await connect('c01', ENG); // refused: off hours
      await connect('u05', CORP, 'idle'); // admitted: the exemption wins over the off-hours row
    });
    at(day, '23:00', async () => {
      await connect('u12', ENG); // would be refused by the observing night watch: admitted
      disconnectAll(['u05']);
    });
    at(day, '23:50', () => disconnectAll(['u12']));
  }

  // Day 0: a malformed request answered by the fail mode, the lab row invalid 11:00–14:00, a manual run, the cap.
  at(0, '10:00', async () => {
    attempts += 1;
    await sandbox.lambda.invoke(
      GATE_FUNCTION_NAME,
      JSON.stringify({
        'connection-id': 'cvpn-connection-0e2e00000005ee01',
        'endpoint-id': CORP,
        username: 'u04',
        'schema-version': 2,
      }),
    );
  });
  at(0, '11:00', () => writeRow(labRow({ idleMinute: 600 })));
  at(0, '14:00', () => writeRow(labRow({ idleMinutes: 600 })));
  at(0, '12:30', () => invoke({}).then(() => void (manualRuns += 1)));
  at(0, '13:00', () => {
    // Four more connections of u13, made before the handler counted them (five in all, three over the limit of two,
    // more than the row's cap of two terminations): the next run caps them all.
    for (let n = 0; n < 4; n += 1)
      emulator.addConnection({ endpointId: CORP, username: 'u13', establishedAt: new Date(sandbox.clock.nowMs()) });
    afterNextTick.push(() => {
      // One hangs up: two over the limit, within the cap, so the run after ends two.
      const [first] = activeOf(['u13']).filter((c) => c.endpointId === CORP);
      if (first) emulator.disconnect(first.connectionId);
    });
  });

  // Day 1: a failed canary, the revocation, a refused reconnect, a count at connect, a throttled terminate call.
  at(1, '02:00', () => {
    sandbox.lambda.functionFaults.add({ function: GATE_FUNCTION_NAME, kind: 'error', count: 1 });
    afterNextTick.push(() => sandbox.lambda.functionFaults.clear());
  });
  at(1, '10:15', async () => {
    revokedAt = new Date(sandbox.clock.nowMs()).toISOString();
    await writeRow({
      policyId: Policy.REVOKE,
      kind: 'revoked-user',
      mode: 'enforce',
      endpoints: ['*'],
      usernames: ['u07', 'u09'],
      reason: 'Offboarded; HR-5120',
      updatedBy: 'security@example.com',
      updatedAt: revokedAt,
      version: 1,
    });
  });
  at(1, '11:00', () => connect('u07', CORP).then(() => undefined));
  at(1, '14:00', async () => {
    await connect('u14', ENG); // admitted: two connections
    await connect('u14', ENG); // refused: a third
  });
  at(1, '16:00', () =>
    sandbox.faults.add({ service: 'ec2', actions: ['TerminateClientVpnConnections'], kind: 'throttle', count: 1 }),
  );
  at(1, '20:00', () => writeRow(labRow({ idleMinutes: 'six hundred' })));

  // Day 2: the lab row fixed, the engineering endpoint unreadable for an hour, no run for three hours, a manual run.
  at(2, '01:00', () => writeRow(labRow({ idleMinutes: 600 })));
  at(2, '03:00', () => emulator.permissions.deny('DescribeClientVpnConnections', ENG));
  at(2, '05:00', () => emulator.permissions.clear());
  at(2, '12:30', () => invoke({}).then(() => void (manualRuns += 1)));

  // The schedule: about every hour (a deterministic jitter of up to 12 minutes each way), none 05:00–08:00 on day 2.
  // Coarser than the stack's 5 minutes so that three days run in seconds; the idle limit (45 minutes) still shows.
  let seed = 7;
  const jitter = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return (seed % 25) - 12;
  };
  const gapFrom = START_MS + 2 * DAY + 5 * HOUR;
  const gapTo = START_MS + 2 * DAY + 8 * HOUR;
  for (
    let time = START_MS + 40 * MINUTE;
    time < START_MS + DAYS * DAY - 10 * MINUTE;
    time += (60 + jitter()) * MINUTE
  ) {
    if (time >= gapFrom && time < gapTo) continue;
    steps.push({
      at: time,
      act: async () => {
        ticks += 1;
        await invoke({ scheduledTime: schedulerTime(sandbox.clock.nowMs()), source: 'schedule' });
        for (const act of afterNextTick.splice(0)) act();
      },
    });
  }

  steps.sort((left, right) => left.at - right.at);
  for (const step of steps) {
    if (step.at > sandbox.clock.nowMs()) sandbox.clock.set(step.at);
    await step.act();
  }
  return { ticks, manualRuns, attempts, revokedAt };
}

/** The lab row: idle for u20 only (who is never idle), with the given limit attributes. */
function labRow(limit: Record<string, unknown>): Record<string, unknown> {
  return {
    policyId: Policy.INVALID,
    kind: 'idle',
    mode: 'enforce',
    endpoints: ['*'],
    usernames: ['u20'],
    ...limit,
    reason: 'A lab idle limit, edited by hand',
  };
}
