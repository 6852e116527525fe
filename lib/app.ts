import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStackConfig } from './config.js';
import { CvpnGuardStack } from './cvpn-guard-stack.js';

/** Options of {@link createApp}. */
export interface CreateAppOptions extends AppProps {
  /** The handler file. @default lambda/handler.ts */
  readonly entry?: string;
}

/** The app and its one stack. */
export interface GuardApp {
  readonly app: App;
  readonly stack: CvpnGuardStack;
}

/**
 * Builds the app from its context: validates the settings (throws ConfigValidationError naming
 * every bad key), creates the stack, and registers the cdk-nag AwsSolutions checks so that any
 * unacknowledged finding fails synthesis.
 */
export function createApp(options: CreateAppOptions = {}): GuardApp {
  const { entry, ...appProps } = options;
  const app = new App(appProps);
  const config = loadStackConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext() as object));
  // Environment-agnostic: one template for any account and region; `cdk deploy` targets those of
  // the credentials in use, and ARNs in policies use the AWS::AccountId / AWS::Region pseudo parameters.
  const stack = new CvpnGuardStack(app, config.stackName, {
    config,
    description: 'cvpn-guard: ends AWS Client VPN sessions on policy, with a full audit trail',
    ...(entry === undefined ? {} : { entry }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
