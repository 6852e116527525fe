// placeholder: the render helper replaces this file
import type { EvidenceReport } from '../../lambda/report/index.js';

/** The report as one self-contained HTML page. */
export async function renderHtml(report: EvidenceReport): Promise<string> {
  return `<!doctype html><html><body><pre>${JSON.stringify(report).replace(/</g, '&lt;')}</pre></body></html>\n`;
}
