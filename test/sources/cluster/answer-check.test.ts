// What a 2xx answer must look like for the request that got it: the list kind and items for a
// collection GET, the kind for an object, never a Status in disguise, never HTML or cut-off JSON.
import { describe, expect, it } from 'vitest';
import { answerProblem, type Answer } from '../../../src/sources/cluster/answer-check.js';

const K = 'https://k:6443';
const STEPRUNS = `${K}/apis/runs.bubustack.io/v1alpha1/namespaces/ns/stepruns?limit=500`;
const list = (kind: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ apiVersion: 'runs.bubustack.io/v1alpha1', kind, metadata: {}, items: [], ...extra });

function answer(url: string, body: string, over: Partial<Answer> = {}): Answer {
  return { method: 'GET', url, contentType: 'application/json', body, ...over };
}

describe('answerProblem', () => {
  it('accepts the list, the object and the status write asked for', () => {
    expect(answerProblem(answer(STEPRUNS, list('StepRunList')))).toBeUndefined();
    expect(
      answerProblem(answer(`${K}/apis/runs.bubustack.io/v1alpha1/stepruns?limit=500`, list('StepRunList'))),
    ).toBeUndefined();
    const run = JSON.stringify({ apiVersion: 'runs.bubustack.io/v1alpha1', kind: 'StoryRun', metadata: {} });
    expect(
      answerProblem(answer(`${K}/apis/runs.bubustack.io/v1alpha1/namespaces/ns/storyruns/r1`, run)),
    ).toBeUndefined();
    expect(
      answerProblem(
        answer(`${K}/apis/runs.bubustack.io/v1alpha1/namespaces/ns/storyruns/r1/status`, run, {
          method: 'PATCH',
          contentType: 'application/json; charset=utf-8',
        }),
      ),
    ).toBeUndefined();
    const transports = JSON.stringify({
      apiVersion: 'transport.bubustack.io/v1alpha1',
      kind: 'TransportList',
      items: [],
    });
    expect(
      answerProblem(answer(`${K}/apis/transport.bubustack.io/v1alpha1/transports`, transports)),
    ).toBeUndefined();
    const namespaces = JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', items: [] });
    expect(answerProblem(answer(`${K}/api/v1/namespaces?limit=500`, namespaces))).toBeUndefined();
    // A server behind a path prefix (Rancher, a proxy) still names the same resource.
    expect(
      answerProblem(
        answer(`${K}/k8s/clusters/c-1/apis/runs.bubustack.io/v1alpha1/stepruns`, list('StepRunList')),
      ),
    ).toBeUndefined();
  });

  it('accepts a Status only as the success of a delete', () => {
    const url = `${K}/apis/runs.bubustack.io/v1alpha1/namespaces/ns/stepruns/s1`;
    const success = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success' });
    expect(answerProblem(answer(url, success, { method: 'DELETE' }))).toBeUndefined();
    expect(answerProblem(answer(url, success))).toContain('a Status (Success)');
  });

  it('rejects a list of another kind, a list without items, and an object instead of a list', () => {
    expect(answerProblem(answer(STEPRUNS, list('StoryRunList')))).toBe(
      'a StoryRunList instead of a StepRunList',
    );
    expect(answerProblem(answer(STEPRUNS, list('StepRunList', { items: null })))).toBe(
      'a StepRunList without an items array',
    );
    expect(answerProblem(answer(STEPRUNS, JSON.stringify({ items: [] })))).toBe(
      'an object without a kind instead of a StepRunList',
    );
    expect(answerProblem(answer(STEPRUNS, list('StepRunList', { apiVersion: 'runs.bubustack.io/v9' })))).toBe(
      'a StepRunList of runs.bubustack.io/v9 instead of runs.bubustack.io/v1alpha1',
    );
    const other = `${K}/apis/apps/v1/deployments`;
    expect(answerProblem(answer(other, JSON.stringify({ kind: 'Deployment' })))).toBe(
      'a Deployment instead of a list',
    );
  });

  it('rejects a Status with HTTP 200, saying what it said', () => {
    const status = JSON.stringify({ kind: 'Status', status: 'Failure', message: 'upstream connect error' });
    expect(answerProblem(answer(STEPRUNS, status))).toBe(
      'a Status (Failure: upstream connect error) instead of the object asked for',
    );
  });

  it('rejects HTML, empty, truncated and non-object bodies, quoting a little of them', () => {
    expect(
      answerProblem(
        answer(STEPRUNS, '<html>\n<h1>Sign in</h1></html>', { contentType: 'text/html; charset=utf-8' }),
      ),
    ).toBe('an HTML page (text/html, 30 bytes: "<html> <h1>Sign in</h1></html>") instead of JSON');
    expect(answerProblem(answer(STEPRUNS, 'ok', { contentType: undefined }))).toBe(
      'a body (no content type, 2 bytes: "ok") instead of JSON',
    );
    expect(answerProblem(answer(STEPRUNS, ''))).toBe('an empty body');
    expect(answerProblem(answer(STEPRUNS, '{"kind":"StepRunList","it'))).toMatch(
      /^a body that is not valid JSON \(25 bytes, truncated\? it ends "\{\\"kind\\":\\"StepRunList\\",\\"it"\)$/,
    );
    expect(answerProblem(answer(STEPRUNS, '[]'))).toBe('a JSON array instead of an object');
    // Terminal escapes in a quoted body stay escaped.
    expect(answerProblem(answer(STEPRUNS, '\u001b[31mred', { contentType: 'text/plain' }))).toContain(
      '\\u001b[31mred',
    );
  });
});
