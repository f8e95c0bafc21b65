// Bobrapet controller lines shared by the BR rule tests: the seed run and the StepRun finalizer's wait.
export const RUN = 'livekit-voice-assistant-rm-6jwy7uutjydd-241a4c029032ae1d';
export const WAIT = 'Waiting for realtime runtime resources to be deleted before removing finalizer';
