// Hostile text for the issue 16 item 5 tests: what an attacker writes into an annotation, a status
// message or a log line, and how the human outputs must show it.

/** Window title (OSC … BEL), clear screen, carriage return, NUL, right-to-left override. */
export const HOSTILE = 'call\x1b]0;pwned\x07\x1b[2J\r\x00\u202egnp.exe';
/** HOSTILE as a human output shows it. */
export const SHOWN = 'call\\x1b]0;pwned\\x07\\x1b[2J\\r\\x00\\u202egnp.exe';
/** Any control character, DEL, C1 or bidi control a terminal would act on (tab and newline aside). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** chalk's own colour codes, which must survive. */
// eslint-disable-next-line no-control-regex -- chalk's SGR codes
export const SGR = /\x1b\[\d+(?:;\d+)*m/g;
