// What the summary lines add once suppressions or a baseline are in play: how many findings are new
// (against --baseline), how many were suppressed, how many suppressions no longer apply.
import type { Report } from '../model/report.js';

export function policyCounts(report: Report): string[] {
  const parts: string[] = [];
  if (report.absent !== undefined) {
    const gone = report.absent.reduce((n, e) => n + e.count, 0);
    parts.push(`${report.summary.new} new`);
    if (gone > 0) parts.push(`${gone} fixed since the baseline`);
  }
  if (report.summary.suppressed > 0) parts.push(`${report.summary.suppressed} suppressed`);
  const ineffective = report.ineffectiveSuppressions?.length ?? 0;
  if (ineffective > 0) parts.push(`${ineffective} suppression${ineffective === 1 ? '' : 's'} not applied`);
  return parts;
}
