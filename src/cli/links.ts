// Where storyctl's documents and bug tracker live (package.json's `repository`, `homepage`, `bugs`).
// A module of its own so the entry point can name the tracker without loading the rules.
export const REPOSITORY_URL = 'https://github.com/bubustack/storyctl';
export const README_URL = `${REPOSITORY_URL}/blob/main/README.md`;
/** Where repository files are read on the web (`${DOCS_BASE_URL}/docs/rules/SR101.md`). */
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main`;
/** package.json's `bugs`: where an internal error is reported. */
export const BUG_TRACKER_URL = `${REPOSITORY_URL}/issues`;
