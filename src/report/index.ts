// Reporters by `-o` name (STYLE.md: vitest's registry). Each is `(report, options) => string`.
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import type { OutputFormat, Reporter } from './types.js';

export { githubStepSummary } from './github.js';

export const renderers: Record<OutputFormat, Reporter> = {
  table: renderTable,
  json: renderJson,
  sarif: renderSarif,
  github: renderGithub,
  junit: renderJunit,
  markdown: renderMarkdown,
};
