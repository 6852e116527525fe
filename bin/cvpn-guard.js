#!/usr/bin/env node
// The `cvpn-guard` command: runs the TypeScript CLI through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('./cvpn-guard.ts');
