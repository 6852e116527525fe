import { App, type Stack, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStackConfig } from './config.js';
import { CvpnGuardStack } from './cvpn-guard-stack.js';
import type { HubEntries } from './hub-functions.js';
import { HubStack } from './hub-stack.js';

/** Options of {@link createApp}. */
export interface CreateAppOptions extends AppProps {
  /** The handler file. @default lambda/handler.ts */
  readonly entry?: string;
  /** A hub's function handler files. @default lambda/relay-handler.ts and lambda/hub-watch-handler.ts */
  readonly hubEntries?: HubEntries;
}

/** The app and its one stack: a {@link CvpnGuardStack} (`deployment=single`) or a {@link HubStack} (`hub`). */
export interface GuardApp {
  readonly app: App;
  readonly stack: Stack;
}

/**
 * Builds the app from its context: validates the settings (throws ConfigValidationError naming
 * every bad key), creates the stack, and registers the cdk-nag AwsSolutions checks so that any
 * unacknowledged finding fails synthesis.
 */
export function createApp(options: CreateAppOptions = {}): GuardApp {
  const { entry, hubEntries, ...appProps } = options;
  const app = new App(appProps);
  const config = loadStackConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext() as object));
  // Environment-agnostic: one template for any account and region; `cdk deploy` targets those of
  // the credentials in use, and ARNs in policies use the AWS::AccountId / AWS::Region pseudo parameters.
  const stack =
    config.organization === undefined
      ? new CvpnGuardStack(app, config.stackName, {
          config,
          description: 'cvpn-guard: ends AWS Client VPN sessions on policy, with a full audit trail',
          ...(entry === undefined ? {} : { entry }),
        })
      : new HubStack(app, config.stackName, {
          config,
          description: 'cvpn-guard hub: the policies and audit of an organization, and the StackSet of its spokes',
          ...(entry === undefined ? {} : { entry }),
          ...(hubEntries === undefined ? {} : { hubEntries }),
        });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
