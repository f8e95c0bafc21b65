// `-o name`: one `resource.group/name` line per object with a finding, as `kubectl get -o name`
// prints them, so `storyctl doctor -o name | xargs kubectl describe` works. Objects that are not
// Kubernetes resources (agent processes, Ductor chats) are named `kind/name`.
import { GROUPS } from '../model/kube.js';
import type { Report, SubjectKind } from '../model/report.js';
import type { ReporterOptions } from './types.js';

const RESOURCE: Record<SubjectKind, string> = {
  StoryRun: `storyrun.${GROUPS.runs}`,
  StepRun: `steprun.${GROUPS.runs}`,
  Story: `story.${GROUPS.stories}`,
  Transport: `transport.${GROUPS.transports}`,
  AgentProcess: 'agentprocess',
  DuctorChat: 'ductorchat',
};

export function renderNames(report: Report, _options?: ReporterOptions): string {
  const seen = new Set<string>();
  for (const f of report.findings) if (f.subject) seen.add(`${RESOURCE[f.subject.kind]}/${f.subject.name}`);
  return [...seen].map((n) => `${n}\n`).join('');
}
