// Reporters by `-o` name (STYLE.md: vitest's registry). Each is `(report, options) => string`.
// They load on demand: the table's terminal libraries cost a `lint -o json` run ~15 ms of start-up.
import type { githubStepSummary } from './github.js';
import type { OutputFormat, Reporter } from './types.js';

export const reporters: Record<OutputFormat, () => Promise<Reporter>> = {
  table: async () => (await import('./table.js')).renderTable,
  wide: async () => {
    const { renderTable } = await import('./table.js');
    return (report, options) => renderTable(report, { ...options, wide: true });
  },
  json: async () => (await import('./json.js')).renderJson,
  yaml: async () => (await import('./yaml.js')).renderYaml,
  name: async () => (await import('./name.js')).renderNames,
  sarif: async () => (await import('./sarif.js')).renderSarif,
  github: async () => (await import('./github.js')).renderGithub,
  junit: async () => (await import('./junit.js')).renderJunit,
  markdown: async () => (await import('./markdown.js')).renderMarkdown,
};

export async function loadGithubStepSummary(): Promise<typeof githubStepSummary> {
  return (await import('./github.js')).githubStepSummary;
}
