// SR104: a realtime Story on an operator whose webhook refuses the cancel request (releases before
// v0.1.11; see docs/rules/SR104.md).
import {
  describeRelease,
  acceptsCancelRequest,
  FIRST_CANCEL_REQUEST_RELEASE,
  releaseEvidence,
  SPEC_IMMUTABLE_MESSAGE,
} from '../../contract/operator-release.js';
import { isRealtimeStory } from '../../contract/cancel-window.js';
import { objectKey } from '../../model/world.js';
import type { ClusterRule, FindingDraft } from '../types.js';
import { storySubject } from './common.js';

export const sr104: ClusterRule = {
  kind: 'cluster',
  meta: {
    id: 'SR104',
    name: 'cancel-request-refused',
    severity: 'warning',
    summary: `The operator release refuses spec.cancelRequested (before ${FIRST_CANCEL_REQUEST_RELEASE}): a realtime Story's runs cannot be stopped by a room end.`,
    rationale:
      'A room end stops a realtime run only by setting spec.cancelRequested. The StoryRun admission ' +
      `webhook of releases before ${FIRST_CANCEL_REQUEST_RELEASE} makes the whole spec immutable, the cancel request included, ` +
      `and answers "${SPEC_IMMUTABLE_MESSAGE}" (403). The impulse's request fails, and so does \`storyctl finish\` without ` +
      '--force-terminal: the runs keep their workers until someone writes the terminal state. Evaluated only when the ' +
      'release is known (the controller Deployment image, or --operator-version).',
    fix: `Upgrade the operator to ${FIRST_CANCEL_REQUEST_RELEASE} or later; until then stop runs with \`storyctl finish NAME -n NS --force-terminal\`.`,
    docs: 'docs/rules/SR104.md',
    evidence:
      'the operator release and how it is known (the controller Deployment image or `--operator-version`; an assumed release never fires), the first release that accepts the cancel request, the text the webhook answers with, and the live runs of the Story that only `--force-terminal` can stop.',
    upstream: [
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/webhook/runs/v1alpha1/storyrun_webhook.go',
        version: 'v0.1.5–v0.1.10',
        behaviour: `\`ValidateUpdate\` refuses every spec change of an existing StoryRun, \`cancelRequested\` included: "${SPEC_IMMUTABLE_MESSAGE}"`,
      },
      {
        repo: 'bubustack/bobrapet',
        file: 'internal/webhook/runs/v1alpha1/storyrun_webhook.go',
        version: 'v0.1.11',
        behaviour: 'the webhook accepts `spec.cancelRequested` going from unset or false to true',
      },
    ],
    family: 'storyrun',
  },
  requires: ['stories'],
  check(world) {
    const findings: FindingDraft[] = [];
    const release = world.operator;
    // An assumed release is the newest: it accepts the request, and guessing otherwise would alarm for nothing.
    if (release.source === 'assumed' || acceptsCancelRequest(release)) return { findings, notEvaluated: [] };
    for (const story of world.stories) {
      if (!isRealtimeStory(story)) continue;
      const key = objectKey(story.metadata.namespace, story.metadata.name);
      const live = world.runs.filter(
        (v) =>
          v.phaseClass === 'non-terminal' &&
          v.story &&
          objectKey(v.story.metadata.namespace, v.story.metadata.name) === key,
      );
      findings.push({
        subject: storySubject(story),
        message:
          `operator ${describeRelease(release)} refuses spec.cancelRequested ("${SPEC_IMMUTABLE_MESSAGE}"): room ends cannot stop ` +
          `the runs of this realtime Story` +
          (live.length > 0
            ? `; ${live.length} live run(s) can only be stopped with finish --force-terminal`
            : ''),
        evidence: {
          ...releaseEvidence(release),
          firstAcceptingRelease: FIRST_CANCEL_REQUEST_RELEASE,
          webhookMessage: SPEC_IMMUTABLE_MESSAGE,
          liveRuns: live.map((v) => v.name),
        },
        anchor: `${key}@${release.version ?? ''}`,
      });
    }
    return { findings, notEvaluated: [] };
  },
};
