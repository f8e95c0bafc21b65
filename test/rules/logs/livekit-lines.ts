// LiveKit agent lines shared by the LK rule tests: the forced close (JS and Python spelling), the
// STT socket's 2007 closure and its retry, and a worker tick that only moves the capture's end.
import { pino } from '../../logs/helpers.js';

export const FORCED =
  'closing agent session due to participant disconnect (disable via `RoomInputOptions.closeOnDisconnect=False`)';
export const FORCED_PY =
  'closing agent session due to participant disconnect (disable via `RoomInputOptions.close_on_disconnect=False`)';
export const ERR2007 = (s: number): string =>
  pino(s, 50, 'Received error from LiveKit STT', {
    error: { type: 'error', message: 'session closed due to agent inactivity', code: 2007 },
  });
export const RETRY = (s: number, attempt: number): string =>
  pino(s, 40, 'failed to recognize speech, retrying in 100ms', { stt: 'livekit.STT', attempt });
export const tick = (s: number): string => pino(s, 20, 'worker status', {}, 17);
