// What a command hands back to main(): its exit code, and the user's arguments in order. A module
// of its own so that commands depend on it, never on the program that registers them.

export interface CommandResult {
  code: number;
  /** The user's arguments in order (commander keeps repeatable options apart; -o pairing needs the order). */
  argv: readonly string[];
}
