// storyctl's version is package.json's. Read at run time rather than imported as JSON: a JSON import
// would pull package.json into the build's rootDir, while src/cli and dist/cli lie at the same depth,
// so one relative path finds it from vitest/tsx and from the build alike.
import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../../package.json') as { version: string };

export const VERSION: string = manifest.version;
