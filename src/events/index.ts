/** Typed events: codecs, the catalog, and the one place bytes become events. */
export * from './agentUpdates';
export * from './channels';
export * from './decimal';
export * from './decode';
export * from './encode';
export * from './envelope';
export * from './event';
export * from './primitives';
export * from './riskState';
export * from './strategyPerformance';
export * from './tradeResults';
