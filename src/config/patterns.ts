// Match patterns of excludes and suppressions: a glob matched against the whole value (picomatch:
// `*`, `?`, `[..]`, `{a,b}`), or `re:REGEX`, searched in the value (anchor it with ^ and $).
import picomatch from 'picomatch';

export type Matcher = (value: string) => boolean;

/** Throws an Error with a readable message for a bad regex. */
export function compilePattern(text: string): Matcher {
  if (text.startsWith('re:')) {
    let re: RegExp;
    try {
      re = new RegExp(text.slice(3), 'u');
    } catch (error) {
      throw new Error(
        `bad regular expression ${JSON.stringify(text.slice(3))}: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`,
      );
    }
    return (value) => re.test(value);
  }
  // Names hold no path separators: `*` crosses `/` (a subject is Kind/namespace/name; a file may be a path).
  const glob = picomatch(text, { dot: true, bash: true });
  return (value) => glob(value);
}
