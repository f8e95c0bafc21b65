// CONTROLLER.md section 3: the CEL rules on StoryRun.status. Kubernetes before 1.25 does not enforce
// them, so storyctl checks a status itself before it writes one.
import type { StoryRun } from '../model/kube.js';

export const MAX_CONDITION_REASON = 64;
export const MAX_CONDITION_MESSAGE = 2048;

export function validateRunStatus(status: StoryRun['status'] | undefined): string[] {
  const problems: string[] = [];
  const conditions = status?.conditions;
  if (conditions === undefined) return problems;
  if (!conditions.some((c) => c.type === 'Ready'))
    problems.push('status.conditions must include Ready when conditions are set');
  conditions.forEach((c, i) => {
    const at = `status.conditions[${i}] (${c.type})`;
    if (!c.lastTransitionTime) problems.push(`${at} must set lastTransitionTime`);
    if (c.reason !== undefined && c.reason.length > MAX_CONDITION_REASON)
      problems.push(`${at} reason is longer than ${MAX_CONDITION_REASON} characters`);
    if (c.message !== undefined && c.message.length > MAX_CONDITION_MESSAGE)
      problems.push(`${at} message is longer than ${MAX_CONDITION_MESSAGE} characters`);
  });
  return problems;
}
