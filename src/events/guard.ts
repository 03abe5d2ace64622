import type * as t from 'io-ts';
import { isUnsafeKey, type SafeRecordType } from './primitives';

/**
 * A compiled `codec.is` for JSON values (what `JSON.parse` returns: plain objects, arrays,
 * strings, numbers, booleans, null). `true` means `codec.decode` returns the value itself, or
 * a deep-equal copy, for values without an own `__proto__` key (io-ts's copies would make it
 * the prototype; decodeEvent refuses such keys before any codec).
 */
export type Guard = (u: unknown) => boolean;

/**
 * `codec.is` compiled into straight-line JavaScript, or `undefined` when the codec has a part
 * this compiler does not know or the runtime forbids compiling (then callers decode with io-ts
 * itself: never a silent accept).
 *
 * Why compile: io-ts's `is` reads every field through one shared `u[k]` site and one shared
 * `types[i].is` call site, which V8 sees megamorphic across all our codecs, and checks each
 * object with `Object.prototype.toString`. Generated code reads `o["amount"]` at a site of its
 * own (monomorphic for messages of one shape) and inlines typeof tests. The codec structure is
 * ours, never message data, so the generated source holds only our key names (JSON-quoted).
 *
 * Only kinds that never transform their input are compiled: for them a value `is` accepts is
 * exactly what `decode` returns. `t.exact`/`t.strict` (which strip keys), `t.record`, tuples,
 * recursive and custom codecs are refused.
 */
export function compileGuard(codec: t.Decoder<unknown, unknown>): Guard | undefined {
  const compiler = new Compiler();
  try {
    return compiler.link(compiler.root(codec as Codec));
  } catch (error) {
    // EvalError: this runtime forbids code from strings (a browser's CSP, a worker platform,
    // `--disallow-code-generation-from-strings`); `pm-arb/events` must still load there.
    if (error instanceof Unsupported || error instanceof EvalError) return undefined;
    throw error;
  }
}

/** The fields the io-ts constructors set on each kind; what the compiler reads. */
interface Codec {
  readonly _tag?: string;
  readonly name: string;
  readonly value?: unknown;
  readonly keys?: Record<string, unknown>;
  readonly type?: Codec;
  readonly predicate?: (u: unknown) => boolean;
  readonly props?: Record<string, Codec>;
  readonly types?: readonly Codec[];
}

/** A codec kind the compiler does not know. */
class Unsupported extends Error {}

/**
 * Turns a codec into JavaScript source. Objects, arrays and maps each become a function of
 * their own (so each has its own property-load sites); everything else an inline expression.
 */
class Compiler {
  /** What generated code refers to as `r[i]`: predicates, constants and the other functions. */
  private readonly refs: unknown[] = [];
  /** Source of each generated function, by its index in `refs`. */
  private readonly sources = new Map<number, string>();

  /** Where each value given to `ref` is in `refs`, so that a predicate used by many fields is there once. */
  private readonly indexes = new Map<unknown, number>();

  /** Registers `x` for generated code to use; returns how to name it there. */
  private ref(x: unknown): string {
    let index = this.indexes.get(x);
    if (index === undefined) {
      index = this.refs.push(x) - 1;
      this.indexes.set(x, index);
    }
    return `r[${index}]`;
  }

  /** A boolean expression over the variable `v`: whether its value passes `codec`. */
  private test(codec: Codec, v: string): string {
    switch (codec._tag) {
      case 'StringType':
        return `typeof ${v} === "string"`;
      case 'NumberType':
        return `typeof ${v} === "number"`;
      case 'BooleanType':
        return `typeof ${v} === "boolean"`;
      case 'NullType':
        return `${v} === null`;
      case 'UnknownType':
        return 'true';
      case 'LiteralType':
        return typeof codec.value === 'string' ? `${v} === ${JSON.stringify(codec.value)}` : `${v} === ${this.ref(codec.value)}`;
      case 'KeyofType': {
        // io-ts: a string that is an own key of `keys`; the same as equalling one of them.
        const keys = Object.keys(codec.keys ?? {});
        return keys.length === 0 ? 'false' : `(${keys.map((k) => `${v} === ${JSON.stringify(k)}`).join(' || ')})`;
      }
      case 'RefinementType':
        // `t.brand` too: the inner codec first, then the predicate, as io-ts's `is` does.
        if (codec.type === undefined || codec.predicate === undefined) throw new Unsupported(codec.name);
        return `(${this.test(codec.type, v)} && ${this.ref(codec.predicate)}(${v}))`;
      case 'UnionType':
        if (codec.types === undefined || codec.types.length === 0) throw new Unsupported(codec.name);
        return `(${codec.types.map((member) => this.test(member, v)).join(' || ')})`;
      case 'InterfaceType':
      case 'PartialType':
      case 'IntersectionType':
      case 'ArrayType':
      case 'SafeRecordType':
        return `r[${this.object(codec)}](${v})`;
      default:
        throw new Unsupported(codec.name);
    }
  }

  /** Compiles the codec a guard is for into a function; returns its index in `refs`. */
  root(codec: Codec): number {
    const index = this.refs.length;
    this.refs.push(undefined); // reserved: filled in by `link`
    this.sources.set(index, `function (o) {\n  return ${this.test(codec, 'o')};\n}`);
    return index;
  }

  /** Compiles an object, array or map codec into a function of its own; returns its index in `refs`. */
  object(codec: Codec): number {
    const index = this.refs.length;
    this.refs.push(undefined); // reserved: filled in by `link`
    let body: string;
    switch (codec._tag) {
      case 'ArrayType':
        // io-ts: `Array.isArray(u) && u.every(codec.is)`; JSON arrays have no holes.
        if (codec.type === undefined) throw new Unsupported(codec.name);
        body = `if (!Array.isArray(o)) return false;
  for (let i = 0; i < o.length; i++) { const v = o[i]; if (!(${this.test(codec.type, 'v')})) return false; }
  return true;`;
        break;
      case 'SafeRecordType': {
        // As `SafeRecordType`'s own `is`: every own key safe and a valid key, every value valid.
        const record = codec as unknown as SafeRecordType<t.Mixed, t.Mixed>;
        body = `if (typeof o !== "object" || o === null || Array.isArray(o)) return false;
  const ks = Object.keys(o);
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    if (${this.ref(isUnsafeKey)}(k) || !(${this.test(record.key as Codec, 'k')})) return false;
    const v = o[k];
    if (!(${this.test(record.value as Codec, 'v')})) return false;
  }
  return true;`;
        break;
      }
      default:
        // A JSON object is what io-ts's `UnknownRecord.is` accepts among JSON values: neither null nor an array.
        body = `if (typeof o !== "object" || o === null || Array.isArray(o)) return false;
  let v;
${this.fields(codec).join('\n')}
  return true;`;
    }
    this.sources.set(index, `function (o) {\n  ${body}\n}`);
    return index;
  }

  /** Statements checking an object's fields; an intersection's members all check the one object. */
  private fields(codec: Codec): string[] {
    const props = Object.entries(codec.props ?? {});
    switch (codec._tag) {
      case 'InterfaceType':
        if (codec.props === undefined) throw new Unsupported(codec.name);
        // io-ts: a missing key fails unless the field's codec accepts `undefined` and the key is own.
        return props.map(([key, field]) => {
          const k = JSON.stringify(key);
          return `  v = o[${k}]; if ((v === undefined && !Object.prototype.hasOwnProperty.call(o, ${k})) || !(${this.test(field, 'v')})) return false;`;
        });
      case 'PartialType':
        if (codec.props === undefined) throw new Unsupported(codec.name);
        // io-ts: `undefined` (absent) passes; anything else must pass the field's codec.
        return props.map(([key, field]) => `  v = o[${JSON.stringify(key)}]; if (v !== undefined && !(${this.test(field, 'v')})) return false;`);
      case 'IntersectionType':
        if (codec.types === undefined) throw new Unsupported(codec.name);
        return codec.types.flatMap((member) => this.fields(member));
      default:
        throw new Unsupported(codec.name);
    }
  }

  /** Evaluates the generated functions (they refer to each other through `r`) and returns the one at `index`. */
  link(index: number): Guard {
    for (const [i, source] of this.sources) {
      // Source built above from our codecs' structure only; `r` is the only free variable.
      this.refs[i] = new Function('r', `"use strict"; return ${source};`)(this.refs) as Guard;
    }
    return this.refs[index] as Guard;
  }
}
