/** The durable event log: one ordered log of every channel's messages, its adapters, publisher, follower and bridge. */
export * from './bridge';
export * from './eventLog';
export * from './follower';
export * from './keys';
export * from './memoryLog';
export * from './publisher';
export * from './redisLog';
export * from './runKey';
