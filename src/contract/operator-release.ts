// Which Bobrapet operator release storyctl is looking at, and what that release does on the cancel
// path (CONTROLLER.md §3, §6, §11; research/bobrapet.md B5, B9). Releases in the field differ:
// v0.1.11 is the first whose webhook accepts spec.cancelRequested on an existing run, v0.1.12 the
// first with a cancel window, the observed-at annotation and the forced StepRun delete. Pure.

export interface ReleaseVersion {
  major: number;
  minor: number;
  patch: number;
}

/** How storyctl came to the release it assumes; evidence names it. */
export type ReleaseSource =
  /** The controller Deployment's image tag (install.yaml `:v0.1.12`, Helm `:0.1.12`). */
  | 'deployment-image'
  /** `--operator-version`. */
  | 'flag'
  /** Only v0.1.12 writes `graceful-cancel-observed-at`: a canceled run carrying it proves ≥ v0.1.12. */
  | 'observed-at-annotation'
  /** Nothing told: storyctl assumes the newest release it knows. */
  | 'assumed';

export interface OperatorRelease {
  /** `v0.1.12`; undefined only when nothing is known (then the newest behaviour is assumed). */
  version: string | undefined;
  source: ReleaseSource;
  /** Why this source (the image, a read that was forbidden, ...), for evidence. */
  detail?: string;
}

/** The newest release whose source storyctl has read; a newer tag is treated like it. */
export const NEWEST_KNOWN_RELEASE = 'v0.1.12';
/** The first release whose webhook lets `cancelRequested` go from unset/false to true. */
export const FIRST_CANCEL_REQUEST_RELEASE = 'v0.1.11';
/** The first release with a cancel window, the observed-at annotation and the forced StepRun delete. */
export const FIRST_CANCEL_WINDOW_RELEASE = 'v0.1.12';

export const ASSUMED_RELEASE: OperatorRelease = {
  version: undefined,
  source: 'assumed',
  detail: `not detected; assuming ${NEWEST_KNOWN_RELEASE}, the newest release storyctl knows (pass --operator-version)`,
};

/** `v0.1.12`, `0.1.12`, `v0.1.12-rc.1` → {0,1,12}; anything else (`latest`, a digest) → undefined. */
export function parseReleaseVersion(text: string | undefined): ReleaseVersion | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** `v0.1.12` for whatever spelling was given (`0.1.12`). */
export function canonicalVersion(text: string): string | undefined {
  const v = parseReleaseVersion(text);
  return v ? `v${v.major}.${v.minor}.${v.patch}` : undefined;
}

export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function atLeast(release: OperatorRelease, first: string): boolean {
  const v = parseReleaseVersion(release.version);
  const f = parseReleaseVersion(first);
  // Unknown: the newest behaviour (every feature storyctl knows of).
  if (!v || !f) return true;
  return compareVersions(v, f) >= 0;
}

/** v0.1.12+: the cancel window, the observed-at annotation, the forced delete at the window's end. */
export function hasCancelWindow(release: OperatorRelease): boolean {
  return atLeast(release, FIRST_CANCEL_WINDOW_RELEASE);
}

/** v0.1.11+: the webhook accepts the cancel request on an existing run. */
export function acceptsCancelRequest(release: OperatorRelease): boolean {
  return atLeast(release, FIRST_CANCEL_REQUEST_RELEASE);
}

/** The release as evidence and prose: `v0.1.11 (controller Deployment image ...)`. */
export function describeRelease(release: OperatorRelease): string {
  const version = release.version ?? NEWEST_KNOWN_RELEASE;
  const why: Record<ReleaseSource, string> = {
    'deployment-image': 'from the controller Deployment image',
    flag: 'from --operator-version',
    'observed-at-annotation':
      'a canceled run carries graceful-cancel-observed-at, which only v0.1.12+ writes',
    assumed: 'assumed: not detected',
  };
  return `${version} (${release.detail ?? why[release.source]})`;
}

export function releaseEvidence(release: OperatorRelease): Record<string, string> {
  return {
    operatorRelease: release.version ?? NEWEST_KNOWN_RELEASE,
    operatorReleaseSource: release.source,
    ...(release.detail ? { operatorReleaseDetail: release.detail } : {}),
  };
}

/**
 * The release in an image reference: `ghcr.io/bubustack/bobrapet:v0.1.12` → `v0.1.12`, Helm's
 * `:0.1.12` too. `:latest`, no tag or a digest only name no release (B9).
 */
export function releaseFromImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  return canonicalVersion(withoutDigest.slice(colon + 1));
}

/** The controller Deployment as the shipped manifests name it (config/manager, kustomize prefix). */
export const CONTROLLER_DEPLOYMENT = {
  namespace: 'bobrapet-system',
  name: 'bobrapet-controller-manager',
  labelSelector: 'control-plane=controller-manager',
  container: 'manager',
  imageRepository: 'bubustack/bobrapet',
} as const;

/** The text the webhook of every release answers a refused spec change with (B5). */
export const SPEC_IMMUTABLE_MESSAGE =
  'spec is immutable for StoryRun; create a new StoryRun for updated inputs or references';

/** Whether an API error message is the StoryRun webhook refusing a spec change. */
export function isSpecImmutableRefusal(message: string): boolean {
  return message.includes('spec is immutable for StoryRun');
}

/**
 * The refused cancel request in words: releases before v0.1.11 reject every spec change, the
 * cancel request included; later ones reject it only combined with another change or when it
 * would clear a cancel.
 */
export function explainCancelRefusal(release: OperatorRelease): string {
  const named = release.version !== undefined;
  if (named && !acceptsCancelRequest(release))
    return (
      `the operator's admission webhook refused spec.cancelRequested: release ${describeRelease(release)} ` +
      `rejects every spec change of a StoryRun, the cancel request included ("${SPEC_IMMUTABLE_MESSAGE}"); ` +
      `${FIRST_CANCEL_REQUEST_RELEASE} is the first release that accepts it. Upgrade the operator, or write ` +
      `the terminal state yourself with --force-terminal`
    );
  return (
    `the operator's admission webhook refused spec.cancelRequested ("${SPEC_IMMUTABLE_MESSAGE}"): operator ` +
    `releases before ${FIRST_CANCEL_REQUEST_RELEASE} reject every spec change, the cancel request included` +
    (named
      ? `; ${describeRelease(release)} should accept it, so check which webhook answered (kubectl get validatingwebhookconfigurations)`
      : '; pass --operator-version if you know the release, or use --force-terminal')
  );
}

/** The part of an apps/v1 Deployment the release is read from. */
export interface DeploymentLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
}

/** The operator's controller image of a Deployment, when it runs one (`…/bubustack/bobrapet:…`). */
export function controllerImage(d: DeploymentLike): string | undefined {
  const containers = d.spec?.template?.spec?.containers ?? [];
  const image = (c: { image?: string } | undefined): string | undefined =>
    c?.image?.includes(CONTROLLER_DEPLOYMENT.imageRepository) ? c.image : undefined;
  return (
    image(containers.find((c) => c.name === CONTROLLER_DEPLOYMENT.container)) ??
    containers.map(image).find(Boolean)
  );
}

/**
 * The release a controller Deployment runs (B9): install.yaml's `:v0.1.12`, Helm's `:0.1.12`.
 * A `:latest` or digest-only image names none: undefined, with why in `unreadable`.
 */
export function releaseFromDeployment(
  d: DeploymentLike,
  where: string,
): { release: OperatorRelease } | { unreadable: string } | undefined {
  const image = controllerImage(d);
  if (!image) return undefined;
  const ref = `Deployment ${d.metadata?.namespace ?? ''}/${d.metadata?.name ?? ''} image ${image}`;
  const version = releaseFromImage(image);
  if (!version)
    return {
      unreadable: `${ref} (${where}) names no release (a :latest or digest-only tag cannot be mapped)`,
    };
  return { release: { version, source: 'deployment-image', detail: `${ref} (${where})` } };
}
