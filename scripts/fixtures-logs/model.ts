// The shape of one fixture scenario under fixtures/logs/real/ and of its expected.json.
// A generator returns scenarios in memory; main.ts writes them or compares them with the tree.
import type { FormatId as KnownFormatId } from '../log-sources-data.js';
import type { Capture } from './capture.js';

/** Format ids of docs/log-sources.md (scripts/log-sources-data.ts), and `unknown` for the rest. */
export type FormatId = KnownFormatId | 'unknown';

export interface ExpectedSubject {
  kind: 'StoryRun' | 'StepRun' | 'AgentProcess' | 'DuctorChat';
  name: string;
  namespace?: string;
}

export interface ExpectedFinding {
  ruleId: string;
  subject?: ExpectedSubject;
}

export interface Expected {
  /** The `--now` to lint with (just after the capture ends). */
  now: string;
  /** The capture files of the scenario, relative to its folder (lint these, not README/expected.json). */
  inputs: string[];
  findings: ExpectedFinding[];
  notEvaluated: ExpectedFinding[];
  /** Records per format, as a reader that knows the format should count them (multi-line records once). */
  formats: Partial<Record<FormatId, number>>;
  /** Inputs with lines but no record in a known format: a warning naming them (issue 11 item 5). */
  unrecognisedInputs?: string[];
  /** Only where it is not the default outcome (exit 3 for an input storyctl cannot read). */
  exitCode?: number;
}

export interface ScenarioFile {
  name: string;
  data: string | Buffer;
}

export interface Scenario {
  /** Folder under fixtures/logs/real: `<system>/<versions>/<format>/<scenario>`. */
  dir: string;
  title: string;
  /** What the capture shows and why the expectation is what it is (markdown paragraphs). */
  shows: string;
  /** Upstream files and versions the lines follow (markdown bullet text, one per entry). */
  upstream: string[];
  /** How the lines were produced (the generator and anything it controls). */
  generatedWith: string;
  files: ScenarioFile[];
  expected: Expected;
  /** The records behind the plain capture (in memory only: the mixed captures reuse them). */
  capture?: Capture;
}

export const ROOT = 'fixtures/logs/real';
