// deploy/serve without a cluster: the kustomizations use only what kubectl 1.20's built-in kustomize
// (v2.0.3) understands, whatever kubectl the cluster test happens to find; the Deployment runs
// `storyctl serve` the way issue 15 specifies, non-root and read-only; the overlay adds exactly the
// auto-repair flags. test/cluster/deploy-manifests.test.ts applies the same files to a real apiserver.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  byKindAndName,
  kustomizationFile,
  kustomizationResources,
  readManifests,
  REPO_ROOT,
} from '../support/manifests.js';

const SERVE = join(REPO_ROOT, 'deploy', 'serve');
const KUSTOMIZATIONS = ['deploy/rbac', 'deploy/serve/base', 'deploy/serve/auto-repair'];
// The fields of a Kustomization that kustomize v2.0.3 reads (kubectl 1.14 … 1.20). `components`,
// `patches`, `replacements`, `labels`, `helmCharts` and folders in `resources` came later.
const V2_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'commonLabels',
  'commonAnnotations',
  'resources',
  'bases',
  'patchesStrategicMerge',
  'patchesJson6902',
  'images',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
  'vars',
  'crds',
]);

interface Container {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
}

describe('deploy/serve', () => {
  it.each(KUSTOMIZATIONS)(
    '%s uses only kustomize v2.0.3 fields, files in resources, folders in bases',
    (dir) => {
      const file = kustomizationFile(join(REPO_ROOT, dir));
      const k = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(Object.keys(k).filter((f) => !V2_FIELDS.has(f))).toEqual([]);
      for (const r of (k['resources'] ?? []) as string[])
        expect(statSync(join(REPO_ROOT, dir, r)).isFile(), `${dir}: resources entry ${r}`).toBe(true);
      for (const b of (k['bases'] ?? []) as string[])
        expect(statSync(join(REPO_ROOT, dir, b)).isDirectory(), `${dir}: bases entry ${b}`).toBe(true);
      for (const p of (k['patchesJson6902'] ?? []) as { path?: string; target?: Record<string, string> }[]) {
        // v2.0.3 has no inline `patch:`; the target needs group/version/kind/name.
        expect(p.path && existsSync(join(REPO_ROOT, dir, p.path))).toBe(true);
        expect(Object.keys(p.target ?? {})).toEqual(expect.arrayContaining(['version', 'kind', 'name']));
      }
    },
  );

  const base = kustomizationResources(join(SERVE, 'base'));
  const deployment = byKindAndName(base, 'Deployment', 'storyctl') as unknown as {
    spec: {
      replicas: number;
      template: {
        spec: {
          serviceAccountName: string;
          securityContext: Record<string, unknown>;
          containers: Container[];
        };
      };
    };
  };
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0] as Container;

  it('runs `storyctl serve -A --metrics-addr :9464` as the storyctl ServiceAccount, one replica', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(pod.serviceAccountName).toBe('storyctl');
    expect(container.args).toEqual(['serve', '-A', '--metrics-addr', ':9464']);
    expect(container.ports).toEqual([expect.objectContaining({ name: 'metrics', containerPort: 9464 })]);
  });

  it('probes /healthz (liveness) and /readyz (readiness), and sets requests and limits', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits['memory']).toBeDefined();
  });

  it('runs non-root with a read-only root filesystem, no privilege escalation, no capabilities', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext['runAsUser']).not.toBe(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('a Service on 9464 with the Prometheus scrape annotations', () => {
    const service = byKindAndName(base, 'Service', 'storyctl') as unknown as {
      metadata: { annotations: Record<string, string> };
      spec: { ports: { port: number; targetPort: string }[] };
    };
    expect(service.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9464',
      'prometheus.io/path': '/metrics',
    });
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 9464, targetPort: 'metrics' })]);
  });

  it('the base binds only storyctl-viewer cluster-wide; the overlay adds storyctl-repairer', () => {
    const bound = (ms: ReturnType<typeof readManifests>) =>
      ms
        .filter((m) => m.kind === 'ClusterRoleBinding')
        .map((m) => (m['roleRef'] as { name: string }).name)
        .sort();
    expect(bound(base)).toEqual(['storyctl-viewer']);
    expect(bound(kustomizationResources(join(SERVE, 'auto-repair')))).toEqual(['storyctl-repairer']);
  });

  it('the overlay: two replicas and exactly the auto-repair flags of issue 15, appended', () => {
    const ops = readManifests(join(SERVE, 'auto-repair', 'auto-repair-args.yaml'))[0] as unknown as {
      op: string;
      path: string;
      value: unknown;
    }[];
    expect(ops.find((o) => o.path === '/spec/replicas')).toEqual({
      op: 'replace',
      path: '/spec/replicas',
      value: 2,
    });
    const added = ops.filter((o) => o.path === '/spec/template/spec/containers/0/args/-');
    expect(added.every((o) => o.op === 'add')).toBe(true);
    expect(added.map((o) => o.value)).toEqual([
      '--auto-finish',
      'SR101,SR201,SR301',
      '--grace',
      '2m',
      '--max-repairs-per-hour',
      '20',
      '--lease-name',
      'storyctl-serve',
      '--lease-namespace',
      '$(POD_NAMESPACE)',
    ]);
  });
});
