/** The bus port and its adapters. */
export * from './eventBus';
export * from './memoryBus';
export * from './redisBus';
