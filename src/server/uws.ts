import uWS from 'uWebSockets.js';

/** Exports only the native binary has: the JS fallback lacks them (and backpressure with them). */
const NATIVE_ONLY = ['getParts', 'SHARED_COMPRESSOR', 'DEDICATED_COMPRESSOR_3KB'] as const;

/** Whether the native uWS binary loaded (not the slow JS fallback that ignores backpressure). */
export function isNativeUws(): boolean {
  const loaded = uWS as unknown as Record<string, unknown>;
  return NATIVE_ONLY.every((name) => loaded[name] !== undefined);
}

/** Throws unless the native binary is in use: the fallback would accept clients it cannot protect memory from. */
export function assertNativeUws(): void {
  if (!isNativeUws()) {
    throw new Error(
      'uWebSockets.js could not load its native binary and fell back to a JS engine without backpressure; ' +
        'run on Node 20 with glibc (e.g. Debian 12, not Alpine) and unset UWS_USE_FALLBACK',
    );
  }
}

export { uWS };
