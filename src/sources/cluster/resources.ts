// The four Bobrapet kinds storyctl lists (CONTROLLER.md section 1), as API resources.
import { GROUPS, VERSION } from '../../model/kube.js';
import type { ObjectKind } from '../../model/world.js';

export interface ApiResource {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const RESOURCES: Readonly<Record<ObjectKind, ApiResource>> = {
  storyRuns: {
    kind: 'StoryRun',
    group: GROUPS.runs,
    version: VERSION,
    plural: 'storyruns',
    namespaced: true,
  },
  stepRuns: { kind: 'StepRun', group: GROUPS.runs, version: VERSION, plural: 'stepruns', namespaced: true },
  stories: { kind: 'Story', group: GROUPS.stories, version: VERSION, plural: 'stories', namespaced: true },
  transports: {
    kind: 'Transport',
    group: GROUPS.transports,
    version: VERSION,
    plural: 'transports',
    namespaced: false,
  },
};

/** `stepruns.runs.bubustack.io`: the name RBAC rules and CRDs use. */
export function resourceName(r: ApiResource): string {
  return `${r.plural}.${r.group}`;
}
