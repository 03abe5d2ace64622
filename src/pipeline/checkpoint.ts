import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { AgentChannel } from '../events';
import { describeErrors } from '../events/report';
import type { SavedStates, States } from './projectionStates';

/**
 * The version of the reducers' state layout. Bump it whenever a reducer changes what it keeps or how
 * it reduces: a checkpoint of another schema is not loaded, and the projections are rebuilt from the log.
 */
export const REDUCER_SCHEMA = '2';

/** Everything a server needs to continue from a log position without replaying what came before. */
export interface Checkpoint {
  readonly schema: string;
  readonly epoch: string;
  /** The last log position reduced into these states. */
  readonly pos: number;
  /** Per channel, the position of the last entry that changed it: its version. */
  readonly versions: Readonly<Partial<Record<AgentChannel, number>>>;
  readonly saved: SavedStates;
}

const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Count');

const CheckpointCodec = t.type({
  schema: t.string,
  epoch: t.string,
  pos: Count,
  versions: t.record(t.string, Count),
  saved: t.type({
    states: t.type({
      'agent.updates': t.UnknownRecord,
      'trade.results': t.UnknownRecord,
      'risk.state': t.UnknownRecord,
      'strategy.performance': t.UnknownRecord,
      'portfolio.summary': t.UnknownRecord,
    }),
    seq: t.array(t.tuple([t.string, t.string, Count])),
    counters: t.type({ applied: Count, duplicates: Count, lost: Count }),
  }),
});

/** A checkpoint as bytes (JSON). */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return JSON.stringify(checkpoint);
}

/** Bytes → a checkpoint of the current reducer schema, or why not. */
export function decodeCheckpoint(bytes: Buffer | string): E.Either<string, Checkpoint> {
  let json: unknown;
  try {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: JSON.parse reads a Buffer through its toString(), so either branch parses the same text
    json = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString());
  } catch {
    return E.left('checkpoint is not JSON');
  }
  const decoded = CheckpointCodec.decode(json);
  if (E.isLeft(decoded)) return E.left(`checkpoint is malformed: ${describeErrors(decoded.left, '')}`);
  if (decoded.right.schema !== REDUCER_SCHEMA) return E.left(`checkpoint has reducer schema ${decoded.right.schema}, this server ${REDUCER_SCHEMA}`);
  const { saved } = decoded.right;
  return E.right({ ...decoded.right, saved: { ...saved, states: saved.states as unknown as States } });
}
