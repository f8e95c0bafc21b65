// Every generator, in the order their folders are listed in docs/log-sources.md.
import { agentsJsScenarios } from './agents-js.js';
import { bobrapetScenarios } from './bobrapet.js';
import { ductorScenarios } from './ductor.js';
import { livekitAgentsScenarios } from './livekit-agents.js';
import { miscScenarios } from './misc.js';
import type { Scenario } from './model.js';

export async function allScenarios(): Promise<Scenario[]> {
  const programs = [
    ...(await agentsJsScenarios()),
    ...livekitAgentsScenarios(),
    ...bobrapetScenarios(),
    ...ductorScenarios(),
  ];
  return [...programs, ...miscScenarios(programs)];
}
