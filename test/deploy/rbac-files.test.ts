// The shipped roles (deploy/rbac) are derived from the code, not from memory: storyctl-viewer
// grants read on exactly the kinds the cluster source lists, storyctl-repairer exactly the writes
// the planner can ask for (permissionsFor) plus Events. A new write in the planner, or a new kind
// in the source, fails here until the role follows. The real-apiserver proof is
// test/cluster/rbac-roles.test.ts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { permissionsFor, type RunPlan } from '../../src/repair/plan.js';
import { RESOURCES } from '../../src/sources/cluster/resources.js';
import {
  byKindAndName,
  kustomizationResources,
  readManifests,
  REPO_ROOT,
  type Manifest,
} from '../support/manifests.js';

const RBAC_DIR = join(REPO_ROOT, 'deploy', 'rbac');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** One `verb group/resource` line per grant, sorted: rules compared whatever their grouping. */
function grants(role: Manifest): string[] {
  const rules = (role['rules'] ?? []) as Rule[];
  return rules
    .flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g}/${res}`))),
    )
    .sort();
}

describe('deploy/rbac', () => {
  const roles = kustomizationResources(RBAC_DIR);

  it('ships two ClusterRoles and nothing bound', () => {
    expect(roles.map((r) => `${r.kind}/${r.metadata.name}`).sort()).toEqual([
      'ClusterRole/storyctl-repairer',
      'ClusterRole/storyctl-viewer',
    ]);
  });

  it('storyctl-viewer: get/list/watch on exactly the kinds the cluster source reads', () => {
    const expected = Object.values(RESOURCES)
      .flatMap((r) => ['get', 'list', 'watch'].map((v) => `${v} ${r.group}/${r.plural}`))
      .sort();
    expect(grants(byKindAndName(roles, 'ClusterRole', 'storyctl-viewer'))).toEqual(expected);
  });

  it("storyctl-repairer: exactly the planner's writes, plus events.k8s.io Events, and no reads", () => {
    // A plan with every kind of write the planner makes: intent, status, audit trail, StepRun deletions.
    const everything = {
      namespace: 'ns',
      specPatch: { spec: { cancelRequested: true } },
      statusPatch: { status: {} },
      annotations: {},
      stepRunDeletions: [{ namespace: 'ns', name: 'step' }],
    } as unknown as RunPlan;
    const planner = permissionsFor(everything).map(
      (p) => `${p.verb} ${p.group}/${p.resource}${p.subresource ? `/${p.subresource}` : ''}`,
    );
    const events = ['create events.k8s.io/events', 'patch events.k8s.io/events'];
    const repairer = grants(byKindAndName(roles, 'ClusterRole', 'storyctl-repairer'));
    expect(repairer).toEqual([...planner, ...events].sort());
    expect(repairer.filter((g) => /^(get|list|watch) /.test(g))).toEqual([]);
  });

  it('no shipped role grants selfsubjectaccessreviews (system:basic-user gives it to every authenticated user)', () => {
    for (const role of roles) expect(grants(role).join('\n')).not.toContain('selfsubjectaccessreviews');
  });

  it("the example bindings bind storyctl's roles, and nothing else", () => {
    const files = readdirSync(join(RBAC_DIR, 'examples')).filter((f) => f.endsWith('.yaml'));
    const bindings = files.flatMap((f) => readManifests(join(RBAC_DIR, 'examples', f)));
    expect(bindings.map((b) => b.kind).sort()).toEqual([
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'RoleBinding',
      'RoleBinding',
    ]);
    for (const b of bindings)
      expect(b['roleRef']).toMatchObject({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: expect.stringMatching(/^storyctl-(viewer|repairer)$/),
      });
  });
});
