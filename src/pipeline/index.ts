/** The projector: events in, versioned states and JSON Patch deltas out. */
export * from './jsonPatch';
export * from './projectionStates';
export * from './projector';
export * from './seqTracker';
export * from './versions';
export * from './checkpoint';
