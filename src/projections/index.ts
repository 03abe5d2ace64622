/** Pure projections: one JSON state per channel, reduced from typed events. */
export * from './agentUpdates';
export * from './eventTime';
export * from './keys';
export * from './money';
export * from './portfolioSummary';
export * from './projection';
export * from './riskState';
export * from './strategyPerformance';
export * from './tradeResults';
