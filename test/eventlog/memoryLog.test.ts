import { describe } from 'vitest';
import { createMemoryBus } from '../../src/bus';
import { createMemoryLog } from '../../src/eventlog';
import { logContract } from './contract';

describe('memory log', () => {
  logContract(() => {
    let now = Date.now();
    const bus = createMemoryBus();
    const log = createMemoryLog({ bus, now: () => now });
    return Promise.resolve({
      log,
      bus,
      advance: (ms: number) => {
        now += ms;
        return Promise.resolve();
      },
    });
  });
});
