// What every reporter gets besides the report. Reporters are `(report, options) => string`.
import type { Report } from '../model/report.js';
import type { RuleMeta } from '../rules/types.js';

export interface ReporterOptions {
  /** Colour escapes allowed (a TTY, no NO_COLOR, no --no-color). */
  color: boolean;
  /** Every rule the run knows, for SARIF rule declarations and JUnit suites. */
  rules: RuleMeta[];
  /** Where rule help lives (the README's rule table). */
  readmeUrl: string;
  toolVersion: string;
  /** For relative artifact paths. */
  cwd?: string;
  /** Terminal width for the table reporter; a fixed default otherwise. */
  width?: number;
  /** `-o wide`: the table with every evidence key, as the JSON has it. */
  wide?: boolean;
}

export type Reporter = (report: Report, options: ReporterOptions) => string;

export const OUTPUT_FORMATS = [
  'table',
  'wide',
  'json',
  'yaml',
  'name',
  'sarif',
  'github',
  'junit',
  'markdown',
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
