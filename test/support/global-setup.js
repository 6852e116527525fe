// jest's global setup: see cli-bundle.js.
export { setupCliBundle as default } from './cli-bundle.js';
