// Runs lintLogs on the files given and prints the findings as JSON: the bench's stand-in for
// `storyctl lint FILE -o json` until dist/ is built.
import { lintLogs } from '../../src/logs/index.js';
import { logRules } from '../../src/rules/index.js';

const result = await lintLogs(process.argv.slice(2), { stopBudgetSeconds: 30, rules: logRules });
process.stdout.write(
  JSON.stringify({ findings: result.findings, notEvaluated: result.notEvaluated, sources: result.sources }),
);
