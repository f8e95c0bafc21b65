// CONTROLLER.md section 4: the value of the `bubustack.io/storyrun` label the controller puts on a
// run's StepRuns. storyctl must compute the same value to find a run's steps the way the controller does.
import { createHash } from 'node:crypto';

const MAX = 63;
const PREFIX = 52;
const HASH_HEX = 10;

export function sanitizeLabelValue(name: string): string {
  const lower = name.toLowerCase().trim();
  let out = '';
  for (const ch of lower) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      out += ch;
    } else if (out.length > 0 && !out.endsWith('-')) {
      // Every other character collapses into one dash, never leading, never doubled.
      out += '-';
    }
  }
  return out.replace(/-+$/, '');
}

export function storyRunLabelValue(name: string): string {
  const sanitized = sanitizeLabelValue(name);
  if (sanitized === '') return 'resource';
  if (sanitized.length <= MAX) return sanitized;
  const suffix = createHash('sha256').update(sanitized).digest('hex').slice(0, HASH_HEX);
  const prefix = sanitized.slice(0, PREFIX).replace(/^[-_.]+|[-_.]+$/g, '');
  return prefix ? `${prefix}-${suffix}` : suffix;
}
