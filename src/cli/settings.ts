// The one place a report command turns its flags and the config file into settings: load the
// file (`--config`, discovery, `--no-config`), keep only the flags the user gave (commander's
// defaults must not hide the file's values), and merge (config/settings.ts).
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { mergeSettings, type GivenFlags, type Settings } from '../config/settings.js';
import { logZone, UTC_ZONE, type LogZone } from '../logs/timezone.js';
import type { CliIO } from './io.js';
import type { CommonFlags } from './options.js';
import { planOutputs } from './outputs.js';

/** Where commander got an option's value: 'cli' when the user gave it. */
export type OptionSource = (key: string) => string | undefined;

export function optionSource(cmd: Command): OptionSource {
  return (key) => cmd.getOptionValueSource(key) as string | undefined;
}

export async function resolveSettings(
  flags: CommonFlags & { operatorGracefulTimeout?: number; logTimezone?: LogZone },
  io: CliIO,
  args: readonly string[],
  source: OptionSource,
): Promise<Settings> {
  const loaded = await loadConfig(flags.config, io.cwd);
  const given: GivenFlags = {};
  if (source('failOn') === 'cli') given.failOn = flags.failOn;
  if (source('stopBudget') === 'cli') given.stopBudget = flags.stopBudget;
  if (flags.operatorGracefulTimeout !== undefined)
    given.operatorGracefulTimeout = flags.operatorGracefulTimeout;
  if ((flags.output?.length ?? 0) > 0 || (flags.outputFile?.length ?? 0) > 0)
    given.outputs = planOutputs(args, flags.output, flags.outputFile);
  if (source('logTimezone') === 'cli' && flags.logTimezone) given.logTimezone = flags.logTimezone.name;
  if (flags.skipRule) given.skipRule = flags.skipRule;
  if (flags.suppressions === false) given.noSuppressions = true;
  return mergeSettings(given, loaded);
}

/** The log rules' thresholds from the settings (LK101's window, BR102's age). */
export function logThresholds(settings: Settings): {
  forcedCloseWindowSeconds: number;
  stuckCleanupSeconds: number;
} {
  return {
    forcedCloseWindowSeconds: settings.thresholds.forcedCloseWindow.value,
    stuckCleanupSeconds: settings.thresholds.stuckCleanupAge.value,
  };
}

/** The zone zone-less log times are read in: `--log-timezone`, else the config's `logTimezone`, else UTC. */
export function logZoneSetting(settings: Settings): LogZone {
  // The config file's name was checked when it was loaded (config/parse.ts); UTC is only the fallback
  // for a zone this Node's Intl lost since.
  return logZone(settings.logTimezone.value) ?? UTC_ZONE;
}
