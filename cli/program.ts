import { Command } from 'commander';
import { registerAuditCommands } from './commands/audit.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerGateCommands } from './commands/gate.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerReportCommand } from './commands/report.js';
import { registerRevokeCommand } from './commands/revoke.js';
import { registerRunCommand } from './commands/run.js';
import { registerSandboxCommand } from './commands/sandbox.js';

/** Builds the `cvpn-guard` command line; each concern adds its commands here. */
export function buildProgram(): Command {
  const program = new Command('cvpn-guard')
    .description('Ends AWS Client VPN sessions on policy, with a full audit trail.')
    .showHelpAfterError()
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  registerSandboxCommand(program);
  registerPolicyCommands(program);
  registerRevokeCommand(program);
  registerAuditCommands(program);
  registerReportCommand(program);
  registerPlanCommand(program);
  registerRunCommand(program);
  registerDoctorCommand(program);
  registerGateCommands(program);
  return program;
}
