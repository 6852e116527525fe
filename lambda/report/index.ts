// placeholder: the model helper replaces this file
export { ReportAccumulator, type ReportOptions } from './ReportAccumulator.js';
export * from '../domain/report/types.js';
export * from '../domain/report/early-end.js';
