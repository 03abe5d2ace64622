import { AGENT_CHANNELS } from '../events';
import { SYSTEM_CHANNEL } from './systemProjection';

/** Every projection a client can subscribe to: the agent channels and `system`. */
export const PROJECTION_CHANNELS: readonly string[] = [...AGENT_CHANNELS, SYSTEM_CHANNEL];

/** Whether a client may subscribe to `name`. */
export function isProjectionChannel(name: string): boolean {
  return PROJECTION_CHANNELS.includes(name);
}

/** A list of requested channels with `*` expanded and repeats dropped, split into known and unknown. */
export function expandChannels(requested: readonly string[]): { known: string[]; unknown: string[] } {
  const known = new Set<string>();
  const unknown = new Set<string>();
  for (const name of requested) {
    if (name === '*') for (const c of PROJECTION_CHANNELS) known.add(c);
    else if (isProjectionChannel(name)) known.add(name);
    else unknown.add(name);
  }
  return { known: [...known], unknown: [...unknown] };
}
