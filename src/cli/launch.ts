// Process entry used by bin/: decides what ink must believe about the terminal *before* ink is
// loaded. ink reads CI/CONTINUOUS_INTEGRATION once at import and then renders only the final
// frame, which would leave `storyctl watch` and the finish confirmation blank for a person at a
// terminal whose shell happens to export CI. storyctl's own CI decisions (progress, colour) keep
// reading the environment as the user set it. React picks its build from NODE_ENV when first
// loaded: unset, it is the development build, which for `storyctl watch` on thousands of runs
// costs several times the CPU per frame and keeps timing entries and debug data for every render.

export async function launch(argv: readonly string[]): Promise<void> {
  const env = { ...process.env };
  if (process.stdin.isTTY && process.stdout.isTTY) {
    delete process.env['CI'];
    delete process.env['CONTINUOUS_INTEGRATION'];
  }
  process.env['NODE_ENV'] ??= 'production';
  const { main } = await import('./main.js');
  await main(argv, env);
}
