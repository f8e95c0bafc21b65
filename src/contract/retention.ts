// How long the controller keeps a finished StoryRun before its retention delete (research/bobrapet.md
// B3, resolveRetentionSettings): the Story's policy.execution.job.storyRunRetentionSeconds, else the
// operator's storyrun.retention-seconds (86400 shipped and in code); 0 means "the default". Canceled
// runs never get there: the cancel branch comes first, so they are never cleaned up. Pure.
import type { Story } from '../model/kube.js';

export const DEFAULT_RETENTION_SECONDS = 86400;

export interface Retention {
  seconds: number;
  source: 'story-policy' | 'operator-default';
}

export function storyRunRetention(story: Story | undefined): Retention {
  const policy = story?.spec?.['policy'] as
    { execution?: { job?: { storyRunRetentionSeconds?: unknown } } } | undefined;
  const value = policy?.execution?.job?.storyRunRetentionSeconds;
  if (typeof value === 'number' && Number.isInteger(value) && value !== 0)
    return { seconds: value, source: 'story-policy' };
  return { seconds: DEFAULT_RETENTION_SECONDS, source: 'operator-default' };
}
