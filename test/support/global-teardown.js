// jest's global teardown: see cli-bundle.js.
export { teardownCliBundle as default } from './cli-bundle.js';
