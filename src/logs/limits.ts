// Limits shared by the scanner and its matchers.

/** Lines longer than this are truncated (and counted): memory must not follow the input. */
export const MAX_LINE_BYTES = 1 << 20;
