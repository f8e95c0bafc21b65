// `storyctl watch` outside a terminal: it refuses (exit 2) and points at `storyctl doctor`.
import { describe, expect, it } from 'vitest';
import { slimObject } from '../../src/cli/commands/watch.js';
import { runCli } from '../support/cli.js';

describe('storyctl watch without a terminal', () => {
  it('refuses with exit 2 and names storyctl doctor, writing nothing to stdout', async () => {
    const r = await runCli(['watch', '-n', 'voice']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('needs a terminal');
    expect(r.stderr).toContain('storyctl doctor');
  });

  it('on a terminal, still exits 2 for a context the kubeconfig does not have', async () => {
    const r = await runCli(['watch', '--context', 'prod-eu', '--kubeconfig', '/nonexistent/kubeconfig'], {
      tty: true,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kubeconfig /nonexistent/kubeconfig does not exist');
  });

  it('rejects a bad --stop-budget as a usage error', async () => {
    const r = await runCli(['watch', '--stop-budget', 'soon'], { tty: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a duration');
  });
});

describe('what watch keeps of an object', () => {
  it('drops managedFields and the last-applied annotation, keeping the annotations rules read', () => {
    const o = {
      metadata: {
        name: 'voice-agent',
        managedFields: [{ manager: 'kubectl' }],
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}',
          'bubustack.io/graceful-cancel-observed-at': '2026-04-22T18:13:33Z',
        },
      },
      spec: { pattern: 'realtime' },
    };
    expect(slimObject(o)).toEqual({
      metadata: {
        name: 'voice-agent',
        annotations: { 'bubustack.io/graceful-cancel-observed-at': '2026-04-22T18:13:33Z' },
      },
      spec: { pattern: 'realtime' },
    });
  });
});
