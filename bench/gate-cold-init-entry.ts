/**
 * The client connect handler's cold-start probe: its module as deployed (importing it builds the Powertools
 * logger and metrics; the first invocation builds the runtime and reads the policy rows). Bundled by
 * bench/bundle.ts with the stack's options; never deployed.
 */
export { gateHandler } from '../lambda/gate-handler.js';
