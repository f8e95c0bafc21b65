// Baselines (issue 14): `--write-baseline` records the findings by fingerprint (stable across
// captures: rule + subject, + file for logs) with how many occurrences each had; `--baseline`
// marks each finding `unchanged` while the baseline still has an occurrence of its fingerprint
// left and `new` after, and lists what the baseline had and this run no longer sees as `absent`.
import type { BaselineEntry, Finding, Report } from './report.js';

export interface Baseline {
  apiVersion: 'storyctl/v1';
  kind: 'Baseline';
  generatedAt: string;
  findings: BaselineEntry[];
}

export function baselineOf(report: Report, generatedAt: number): Baseline {
  const byPrint = new Map<string, BaselineEntry>();
  for (const f of report.findings) {
    const seen = byPrint.get(f.fingerprint);
    if (seen) {
      seen.count += 1;
      continue;
    }
    const entry: BaselineEntry = {
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      severity: f.severity,
      count: 1,
      message: f.message,
    };
    if (f.subject) entry.subject = f.subject;
    // Where it was seen, to show an absent one; matching is by fingerprint only, never by line.
    if (f.location) entry.location = f.location;
    byPrint.set(f.fingerprint, entry);
  }
  return {
    apiVersion: 'storyctl/v1',
    kind: 'Baseline',
    generatedAt: new Date(generatedAt).toISOString(),
    findings: [...byPrint.values()],
  };
}

export function compareWithBaseline(report: Report, baseline: Baseline): Report {
  const left = new Map<string, number>();
  for (const e of baseline.findings) left.set(e.fingerprint, (left.get(e.fingerprint) ?? 0) + e.count);
  const take = (f: Finding): boolean => {
    const n = left.get(f.fingerprint) ?? 0;
    if (n <= 0) return false;
    left.set(f.fingerprint, n - 1);
    return true;
  };
  const findings = report.findings.map(
    (f) => ({ ...f, baselineState: take(f) ? 'unchanged' : 'new' }) as Finding,
  );
  // A suppressed finding is still there: it is not absent, it is only silenced.
  for (const s of report.suppressed) take(s);
  const absent: BaselineEntry[] = [];
  for (const e of baseline.findings) {
    const n = left.get(e.fingerprint) ?? 0;
    if (n <= 0) continue;
    const count = Math.min(n, e.count);
    left.set(e.fingerprint, n - count);
    absent.push({ ...e, count });
  }
  return { ...report, findings, absent };
}
