// `--log-timezone <zone>` (lint, doctor): the zone the captured programs wrote their zone-less
// times in (Python's dev text, Ductor's file and console, pino-pretty's time of day).
import { InvalidArgumentError, Option } from 'commander';
import { logZone, UTC_ZONE, type LogZone } from '../logs/timezone.js';

export function parseLogTimezone(value: string): LogZone {
  const zone = logZone(value);
  if (!zone)
    throw new InvalidArgumentError(`expected an IANA time zone such as Europe/Berlin or UTC, got "${value}"`);
  return zone;
}

export function logTimezoneOption(): Option {
  return new Option(
    '--log-timezone <zone>',
    'IANA zone the logs without a zone were written in (Python dev text, Ductor, pino-pretty)',
  )
    .default(UTC_ZONE, 'UTC')
    .argParser(parseLogTimezone);
}
