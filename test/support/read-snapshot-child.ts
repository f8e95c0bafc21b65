// Reads the snapshot files named on the command line with readSnapshots and prints what it found
// as JSON: run by tests in a child process whose heap is capped, to hold memory to the input.
import { readSnapshots } from '../../src/sources/snapshot/index.js';

const { objects, sources, warnings } = await readSnapshots(process.argv.slice(2));
process.stdout.write(
  JSON.stringify({
    storyRuns: objects.storyRuns.length,
    stepRuns: objects.stepRuns.length,
    sources,
    warnings,
  }),
);
