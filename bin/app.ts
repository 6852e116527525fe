#!/usr/bin/env node
/** CDK app entry (cdk.json "app"): builds the cvpn-guard stack from cdk.json context and `-c key=value`. */
import { createApp } from '../lib/app.js';
import { ConfigValidationError } from '../lib/errors.js';

try {
  createApp();
} catch (error) {
  if (!(error instanceof ConfigValidationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
