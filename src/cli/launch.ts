// Process entry used by bin/: decides what ink must believe about the terminal *before* ink is
// loaded. ink reads CI/CONTINUOUS_INTEGRATION once at import and then renders only the final
// frame, which would leave `storyctl watch` and the finish confirmation blank for a person at a
// terminal whose shell happens to export CI. storyctl's own CI decisions (progress, colour) keep
// reading the environment as the user set it.

export async function launch(argv: readonly string[]): Promise<void> {
  const env = { ...process.env };
  if (process.stdin.isTTY && process.stdout.isTTY) {
    delete process.env['CI'];
    delete process.env['CONTINUOUS_INTEGRATION'];
  }
  const { main } = await import('./main.js');
  await main(argv, env);
}
