// placeholder: the render helper replaces this file
import type { EvidenceReport } from '../../lambda/report/index.js';

/** The report model as JSON. */
export function renderJson(report: EvidenceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
