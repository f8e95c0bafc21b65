import { describe, expect, it } from 'vitest';
import {
  acceptsCancelRequest,
  canonicalVersion,
  describeRelease,
  explainCancelRefusal,
  hasCancelWindow,
  releaseFromDeployment,
  releaseFromImage,
  type OperatorRelease,
} from '../../src/contract/operator-release.js';
import { parseOperatorVersion } from '../../src/cli/cluster-flags.js';
import { resolveRelease } from '../../src/model/world.js';
import { CANCEL_AT, makeRun } from '../support/objects.js';

const at = (version: string): OperatorRelease => ({ version, source: 'flag' });

describe('operator releases (research/bobrapet.md B5, B9)', () => {
  it.each([
    ['ghcr.io/bubustack/bobrapet:v0.1.12', 'v0.1.12'], // install.yaml
    ['ghcr.io/bubustack/bobrapet:0.1.11', 'v0.1.11'], // Helm: appVersion without v
    ['registry.local:5000/bubustack/bobrapet:v0.1.9@sha256:abc', 'v0.1.9'],
    ['ghcr.io/bubustack/bobrapet:latest', undefined],
    ['ghcr.io/bubustack/bobrapet@sha256:abc', undefined],
    ['ghcr.io/bubustack/bobrapet', undefined],
    ['registry.local:5000/bubustack/bobrapet', undefined],
  ])('reads %s as %s', (image, version) => {
    expect(releaseFromImage(image)).toBe(version);
  });

  it('knows which release has what: the cancel request from v0.1.11, the window from v0.1.12, unknown is the newest', () => {
    expect([acceptsCancelRequest(at('v0.1.10')), acceptsCancelRequest(at('v0.1.11'))]).toEqual([false, true]);
    expect([
      hasCancelWindow(at('v0.1.11')),
      hasCancelWindow(at('v0.1.12')),
      hasCancelWindow(at('v0.2.0')),
    ]).toEqual([false, true, true]);
    expect(hasCancelWindow({ version: undefined, source: 'assumed' })).toBe(true);
  });

  it('parses --operator-version in both spellings and refuses anything else', () => {
    expect(parseOperatorVersion('0.1.11')).toBe('v0.1.11');
    expect(parseOperatorVersion('v0.1.12')).toBe('v0.1.12');
    expect(() => parseOperatorVersion('latest')).toThrow(/expected a Bobrapet release such as v0.1.11/);
    expect(canonicalVersion('v1.2')).toBeUndefined();
  });

  it('explains the webhook refusal naming the release, or the releases that refuse when it is unknown', () => {
    expect(explainCancelRefusal(at('v0.1.10'))).toMatch(
      /^the operator's admission webhook refused spec\.cancelRequested: release v0\.1\.10 \(from --operator-version\) rejects every spec change .* v0\.1\.11 is the first release that accepts it/,
    );
    expect(explainCancelRefusal({ version: undefined, source: 'assumed' })).toMatch(
      /releases before v0\.1\.11 reject every spec change, the cancel request included; pass --operator-version/,
    );
    expect(explainCancelRefusal(at('v0.1.12'))).toMatch(/should accept it, so check which webhook answered/);
  });

  it('reads a controller Deployment, and says why a :latest one names no release', () => {
    const d = (image: string) => ({
      metadata: { name: 'bobrapet-controller-manager', namespace: 'bobrapet-system' },
      spec: { template: { spec: { containers: [{ name: 'manager', image }] } } },
    });
    expect(releaseFromDeployment(d('ghcr.io/bubustack/bobrapet:v0.1.11'), 'live cluster')).toEqual({
      release: {
        version: 'v0.1.11',
        source: 'deployment-image',
        detail:
          'Deployment bobrapet-system/bobrapet-controller-manager image ghcr.io/bubustack/bobrapet:v0.1.11 (live cluster)',
      },
    });
    expect(releaseFromDeployment(d('ghcr.io/bubustack/bobrapet:latest'), 'live cluster')).toEqual({
      unreadable: expect.stringMatching(/names no release/),
    });
    expect(releaseFromDeployment(d('nginx:1.25'), 'live cluster')).toBeUndefined();
  });

  it('resolves the release: given, else inferred from an observed-at annotation, else assumed with why', () => {
    const marked = makeRun({ cancelRequested: true, cancelObservedAt: CANCEL_AT });
    expect(resolveRelease([makeRun()], { operator: at('v0.1.9') })).toEqual(at('v0.1.9'));
    expect(resolveRelease([marked], {})).toMatchObject({
      version: 'v0.1.12',
      source: 'observed-at-annotation',
    });
    const assumed = resolveRelease([makeRun()], { operatorNote: 'cannot get deployments.apps (forbidden)' });
    expect(assumed).toMatchObject({ version: undefined, source: 'assumed' });
    expect(describeRelease(assumed)).toBe(
      'v0.1.12 (cannot get deployments.apps (forbidden); assuming v0.1.12, the newest release storyctl knows (pass --operator-version))',
    );
  });
});
