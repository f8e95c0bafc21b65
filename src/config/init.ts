// `storyctl config init`: a commented starter file. Every value in it is the default, or commented
// out, so writing it changes nothing until it is edited; it must validate as written (a test
// checks), and editors complete it from the schema named on its first line.
import { DEFAULT_STOP_BUDGET_SECONDS, STUCK_DELETION_SECONDS } from '../contract/budget.js';
import { OPERATOR_DEFAULT_GRACEFUL_SHUTDOWN_SECONDS } from '../contract/cancel-window.js';
import { formatGoDuration } from '../contract/duration.js';
import { DEFAULT_FORCED_CLOSE_WINDOW_SECONDS } from '../rules/logs/lk101-close-hung-in-drain.js';

export const SCHEMA_PUBLIC_URL =
  'https://raw.githubusercontent.com/bubustack/storyctl/main/schema/config.schema.json';

const d = formatGoDuration;

export function starterConfig(): string {
  return `# yaml-language-server: $schema=${SCHEMA_PUBLIC_URL}
# storyctl settings for doctor and lint, found in this directory or a parent up to the git root
# (or given with --config FILE; --no-config ignores it). Flags override what is written here.
# "storyctl config view" shows the effective settings and where each one came from.
apiVersion: storyctl/v1
kind: Config

# --fail-on: exit 1 when a finding (not suppressed, not in the baseline) is at or above it.
failOn: error

# -o / --output-file when none is given on the command line. At most one without a file (stdout).
outputs:
  - format: table
  # - format: sarif
  #   file: storyctl.sarif

# Durations: 30s, 2m, 1m30s, or a number of seconds.
thresholds:
  stopBudget: ${d(DEFAULT_STOP_BUDGET_SECONDS)} # --stop-budget: how long a stop may take (SR101, SR102, SR103, BR101)
  operatorGracefulTimeout: ${d(OPERATOR_DEFAULT_GRACEFUL_SHUTDOWN_SECONDS)} # doctor --operator-graceful-timeout: the operator's default cancel window
  forcedCloseWindow: ${d(DEFAULT_FORCED_CLOSE_WINDOW_SECONDS)} # LK101: how long a forced AgentSession close may take
  stuckFinalizerAge: ${d(STUCK_DELETION_SECONDS)} # SR303: how long a deletion may hang on finalizers
  stuckCleanupAge: ${d(STUCK_DELETION_SECONDS)} # BR102: how long a StepRun may wait for its cleanup

# Time zone for log times without one (--log-timezone). Checked now; applied once the log readers take it.
logTimezone: UTC

# Per rule: off, on, or the severity it reports with (error, warning, info). "storyctl rules" lists them.
rules: {}
#  SR204: off
#  SR102: error

# Leave findings on these subjects out of the report altogether. Every field given must match;
# patterns are globs (*, ?, [..], {a,b}) or re:REGEX. "rules" narrows an entry to those rules.
exclude: []
#  - namespace: "load-test-*"
#  - rules: [SR302]
#    kind: StepRun
#    name: "re:^canary-"

# Known findings that must not fail the run: still listed (as suppressed), never counted.
# "reason" is required; after "expires" (YYYY-MM-DD or RFC3339) it fires again. An object can carry
# its own: the annotation ignore-check.storyctl.bubustack.io/<RULE-ID>: "<reason>".
suppressions: []
#  - rule: SR102
#    namespace: voice
#    name: support-line
#    reason: "calls hand over during transport upgrades; the long drain is on purpose"
#    expires: "2026-12-31"
`;
}
