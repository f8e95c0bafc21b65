// The stable JSON contract (ARCHITECTURE.md): the report as it is, nothing added.
import type { Report } from '../model/report.js';
import type { ReporterOptions } from './types.js';

export function renderJson(report: Report, _options?: ReporterOptions): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
