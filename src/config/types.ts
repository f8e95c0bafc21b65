// The config file as the schema (schema/config.schema.json) accepts it: plain data, validated
// before anything reads it. Durations are still text or seconds here; settings.ts parses them.
import type { Severity } from '../model/report.js';
import type { OutputFormat } from '../report/types.js';

export const CONFIG_API_VERSION = 'storyctl/v1';
export const CONFIG_KIND = 'Config';
export const CONFIG_FILE_NAME = '.storyctl.yaml';

export type FailOnSetting = Severity | 'none';
export type RuleSetting = 'off' | 'on' | Severity | boolean;
export type DurationSetting = string | number;

export interface OutputSetting {
  format: OutputFormat;
  file?: string;
}

export interface ThresholdSettings {
  stopBudget?: DurationSetting;
  operatorGracefulTimeout?: DurationSetting;
  forcedCloseWindow?: DurationSetting;
  stuckFinalizerAge?: DurationSetting;
  stuckCleanupAge?: DurationSetting;
}

export type ThresholdKey = keyof ThresholdSettings;

export interface ExcludeSetting {
  rules?: string[];
  namespace?: string;
  name?: string;
  kind?: string;
  file?: string;
}

export interface SuppressionSetting {
  rule: string;
  namespace?: string;
  name?: string;
  file?: string;
  subject?: string;
  reason: string;
  expires?: string;
}

export interface ConfigFile {
  apiVersion: typeof CONFIG_API_VERSION;
  kind: typeof CONFIG_KIND;
  failOn?: FailOnSetting;
  outputs?: OutputSetting[];
  thresholds?: ThresholdSettings;
  logTimezone?: string;
  rules?: Record<string, RuleSetting>;
  exclude?: ExcludeSetting[];
  suppressions?: SuppressionSetting[];
}

/** A config file read and validated: the data, and where each value is written. */
export interface LoadedConfig {
  /** The path as found or given (relative to the working directory when it was given so). */
  file: string;
  config: ConfigFile;
  /** 1-based line of the value at `path` (`['thresholds', 'stopBudget']`), or of the document. */
  lineOf(path: readonly (string | number)[]): number;
}
