/**
 * The bench's login-storm section: the storm with everything up, the same storm with DynamoDB down after the
 * warm-up (each in a fresh storm process: bench/storm-process.ts), and the client connect handler's cold start
 * (bench/gate-cold-init-entry.ts, bundled, in fresh processes against a sandbox started here). Prints the figures
 * and the targets, and writes them to a JSON file.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceEnvironment } from '../lambda/resource-environment.js';
import { clientConnectRequest } from '../local/ec2/client-connect-request.js';
import { startSandbox } from '../local/index.js';
import { bundleBenchEntry, measureGateColdInit } from './bundle.js';
import { targetLines, targetMarkdown } from './report.js';
import type { StormCommand, StormEvent, StormObservation } from './storm-protocol.js';
import {
  checkStormTargets,
  type GateColdInit,
  stormPhaseFigures,
  type StormPhaseFigures,
  stormPhaseLines,
} from './storm-report.js';
import { generateStorm, type StormSpec } from './storm-scenario.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Runs one phase of the storm in a fresh process. */
function runPhase(spec: StormSpec, dynamodbDown: boolean): Promise<StormObservation> {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH_DIR, 'storm-process.ts'), [], {
      cwd: join(BENCH_DIR, '..'),
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let event: StormEvent | undefined;
    child.once('message', (message: StormEvent) => {
      event = message;
    });
    child.once('exit', (code) => {
      if (event?.type === 'observed') resolve(event.observation);
      else
        reject(
          new Error(`the storm process failed (${code}): ${event?.type === 'failed' ? event.message : 'no answer'}`),
        );
    });
    const command: StormCommand = { spec, dynamodbDown };
    child.send(command);
  });
}

/** The handler's cold start, against a sandbox holding the storm's rows. */
async function gateColdInit(workdir: string, samples: number): Promise<GateColdInit> {
  const storm = generateStorm({ attempts: 1, durationMs: 1, warmUpAttempts: 0, speed: 1 });
  const sandbox = await startSandbox({
    port: 0,
    scenario: { region: 'us-east-1', endpoints: storm.endpoints.map((id) => ({ id })), policies: [...storm.policies] },
  });
  try {
    const probe = await bundleBenchEntry('gate-cold-init-entry', workdir);
    const [endpoint = ''] = storm.endpoints;
    const event = clientConnectRequest({ endpoint, username: 'user-1', groups: ['staff'] }, 'cvpn-connection-0cold');
    const measured = await measureGateColdInit(
      probe,
      samples,
      { ...sandbox.awsEnvironment(), ...resourceEnvironment(sandbox) },
      event,
    );
    return {
      medianImportMs: measured.medianImportMs,
      medianFirstAnswerMs: measured.medianFirstAnswerMs,
      medianInitMs: measured.medianInitMs,
      samples: measured.samples.length,
    };
  } finally {
    await sandbox.stop();
  }
}

/** The storm section of `npm run bench`. */
export async function runStormSection(options: {
  readonly spec: StormSpec;
  readonly workdir: string;
  readonly coldInitSamples: number;
  readonly out: string;
  /** The machine the figures come from, as the results name it. */
  readonly machine: object;
}): Promise<void> {
  const { spec } = options;
  const storm = generateStorm(spec);
  console.log(
    `\nlogin storm: ${spec.attempts} attempts over ${spec.durationMs / 1000} simulated s at ${spec.speed}× on ${storm.endpoints.length} endpoints, ` +
      `${storm.policies.length} policy rows; the client connect handler runs in the sandbox's Lambda, attached to both endpoints, ` +
      `with the stack's defaults; each attempt goes through the sandbox's connect path (in the sandbox's process)`,
  );
  const healthy = stormPhaseFigures(storm, await runPhase(spec, false));
  process.stdout.write(stormPhaseLines('storm', healthy));
  const outage = stormPhaseFigures(storm, await runPhase(spec, true));
  process.stdout.write(stormPhaseLines('storm, DynamoDB down after the warm-up', outage));
  const cold = await gateColdInit(options.workdir, options.coldInitSamples);
  console.log(
    `gate cold init (import + first answer, fresh process): median ${cold.medianInitMs.toFixed(0)} ms of ${cold.samples} ` +
      `(import ${cold.medianImportMs.toFixed(0)} ms, first answer ${cold.medianFirstAnswerMs.toFixed(0)} ms)`,
  );
  const checks = checkStormTargets(healthy, outage, cold);
  console.log('');
  process.stdout.write(targetLines(checks));
  const phases: StormPhaseFigures[] = [healthy, outage];
  writeFileSync(
    options.out,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), machine: options.machine, spec, phases, cold, targets: checks, markdown: targetMarkdown(checks) }, null, 2)}\n`,
  );
  console.log(`storm results in ${options.out}`);
}
