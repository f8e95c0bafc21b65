// `-o yaml`: the JSON contract (storyctl/v1) as YAML, like `kubectl get -o yaml`.
import { stringify } from 'yaml';
import type { Report } from '../model/report.js';
import type { ReporterOptions } from './types.js';

export function renderYaml(report: Report, _options?: ReporterOptions): string {
  // No line folding: a fix command must stay on one line to be copied.
  return stringify(report, { lineWidth: 0 });
}
