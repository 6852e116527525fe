/**
 * The bench's revocation section: the revocation scenario in a fresh process (bench/revoke-process.ts), then its
 * figures and targets printed and written to a JSON file.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { targetLines, targetMarkdown } from './report.js';
import type { RevokeCommand, RevokeEvent, RevokeObservation } from './revoke-protocol.js';
import { checkRevokeTargets, revokeFigures, revokeLines } from './revoke-report.js';
import { generateRevokeScenario, type RevokeSpec } from './revoke-scenario.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

function observe(command: RevokeCommand): Promise<RevokeObservation> {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'revoke-process.ts'), [], {
      cwd: join(BENCH_DIR, '..'),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let event: RevokeEvent | undefined;
    child.once('message', (message: RevokeEvent) => {
      event = message;
    });
    child.once('exit', (code) => {
      if (event?.type === 'observed') resolve(event.observation);
      else
        reject(
          new Error(
            `the revocation process failed (${code}): ${event?.type === 'failed' ? event.message : 'no answer'}`,
          ),
        );
    });
    child.send(command);
  });
}

/** The revocation section of `npm run bench`. */
export async function runRevokeSection(options: {
  readonly spec: RevokeSpec;
  /** Simulated ms every EC2 call takes. */
  readonly ec2LatencyMs: number;
  readonly out: string;
  /** The machine the figures come from, as the results name it. */
  readonly machine: object;
}): Promise<void> {
  const { spec } = options;
  const scenario = generateRevokeScenario(spec);
  console.log(
    `\nrevocation latency: ${spec.endpoints} × ${spec.connectionsPerEndpoint} connections, ${spec.revokedUsers} users revoked one by one ` +
      `over ${spec.durationMs / 60_000} simulated minutes at ${spec.speed}×, each by PutItem of an enforcing revoked-user row; ` +
      `the product installed (stream mapping and schedule on, the stack's defaults), EC2 latency ${options.ec2LatencyMs} ms and throttling`,
  );
  const figures = revokeFigures(scenario, await observe({ spec, ec2LatencyMs: options.ec2LatencyMs }));
  process.stdout.write(revokeLines(figures));
  const checks = checkRevokeTargets(figures);
  console.log('');
  process.stdout.write(targetLines(checks));
  writeFileSync(
    options.out,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), machine: options.machine, spec, ec2LatencyMs: options.ec2LatencyMs, figures, targets: checks, markdown: targetMarkdown(checks) }, null, 2)}\n`,
  );
  console.log(`revocation results in ${options.out}`);
}
