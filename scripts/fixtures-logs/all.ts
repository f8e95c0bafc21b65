// Every generator, in the order their folders are listed in docs/log-sources.md.
import { agentsJsScenarios } from './agents-js.js';
import { bobrapetScenarios } from './bobrapet.js';
import { livekitAgentsScenarios } from './livekit-agents.js';
import type { Scenario } from './model.js';

export async function allScenarios(): Promise<Scenario[]> {
  return [...(await agentsJsScenarios()), ...livekitAgentsScenarios(), ...bobrapetScenarios()];
}
