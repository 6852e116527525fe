/**
 * The cold-start probe: the handler module as deployed, plus the two functions its first
 * invocation calls to build the runtime, so the probe can time that step alone. Bundled by
 * bench/bundle.ts with the stack's options; never deployed.
 */
export { handler } from '../lambda/handler.js';
export { loadEnforcerConfig } from '../lambda/config.js';
export { createRuntime } from '../lambda/runtime.js';
