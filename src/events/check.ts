import type * as t from 'io-ts';
import { compileGuard } from './guard';

/** What a `Check` returns for a value its codec refuses: unlike `undefined`, never a decoded value. */
export const INVALID: unique symbol = Symbol('invalid');

/** `codec.decode`'s value, or `INVALID` when it fails: what decoding needs on its accepting path. */
export type Check<A> = (u: unknown) => A | typeof INVALID;

/** The check by io-ts alone: `codec.decode`, allocating its contexts and `Either` every time. */
export function decodeCheck<A>(codec: t.Decoder<unknown, A>): Check<A> {
  return (u) => {
    const result = codec.decode(u);
    return result._tag === 'Right' ? result.right : INVALID;
  };
}

/**
 * The same answers as `decodeCheck` for JSON values, cheaper: the compiled guard first (a valid
 * value, nearly every message, then allocates nothing and is returned as it is, which is what
 * `decode` returns for codecs that never transform); only a value the guard refuses pays for
 * `decode` (which may still accept it, e.g. a missing `t.unknown` field). A codec the guard
 * compiler does not know is decoded by io-ts alone.
 */
export function fastCheck<A>(codec: t.Decoder<unknown, A>): Check<A> {
  const guard = compileGuard(codec);
  const decode = decodeCheck(codec);
  return guard === undefined ? decode : (u) => (guard(u) ? (u as A) : decode(u));
}
