import type { PatchOperation } from './protocol';

/** A patch that does not fit the document (bad path, missing member): the client resyncs. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
}

type Container = Record<string, unknown> | unknown[];

/** RFC 6901: `/a~1b/c~0d` → `["a/b", "c~d"]`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`JSON pointer must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Checks one operation's shape before anything is written: an `add` or `replace` without a
 * `value` would otherwise write `undefined` where the server meant something else.
 */
function assertOperation(op: unknown): asserts op is PatchOperation {
  if (!isContainer(op) || Array.isArray(op)) throw new PatchError(`Operation is not an object: ${JSON.stringify(op)}`);
  const { op: name, path } = op;
  if (name !== 'add' && name !== 'remove' && name !== 'replace') throw new PatchError(`Unsupported operation ${JSON.stringify(name)}`);
  if (typeof path !== 'string') throw new PatchError(`Operation ${name} has no string path`);
  if (name !== 'remove' && !Object.hasOwn(op, 'value')) throw new PatchError(`Operation ${name} at ${path} has no value`);
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`Bad array index "${token}"`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw new PatchError(`Array index ${index} out of bounds`);
  return index;
}

/**
 * Applies add/remove/replace operations (RFC 6902) and returns the new document; any other
 * operation, or one missing a member it needs, is a PatchError like a path that does not fit.
 * The input is never mutated: every container on a written path is copied once per
 * call (copy-on-write), so states handed out earlier stay valid and unchanged.
 */
export function applyPatch(document: unknown, ops: readonly PatchOperation[]): unknown {
  const fresh = new WeakSet<object>();
  const own = <C extends Container>(container: C): C => {
    if (fresh.has(container)) return container;
    const copy = (Array.isArray(container) ? container.slice() : { ...container }) as C;
    fresh.add(copy);
    return copy;
  };

  let root = document;
  for (const op of ops as readonly unknown[]) {
    assertOperation(op);
    const tokens = parsePointer(op.path);
    if (tokens.length === 0) {
      if (op.op === 'remove') throw new PatchError('Cannot remove the document root');
      root = op.value;
      continue;
    }
    if (!isContainer(root)) throw new PatchError(`Path ${op.path} goes through a non-container`);
    root = own(root);
    let parent = root as Container;
    for (const token of tokens.slice(0, -1)) {
      const child = Array.isArray(parent) ? parent[arrayIndex(token, parent.length, false)] : Object.hasOwn(parent, token) ? parent[token] : undefined;
      if (!isContainer(child)) throw new PatchError(`Path ${op.path} goes through a missing or non-container member`);
      const copy = own(child);
      if (Array.isArray(parent)) parent[Number(token)] = copy;
      else setOwn(parent, token, copy);
      parent = copy;
    }
    writeLast(parent, tokens[tokens.length - 1] as string, op);
  }
  return root;
}

function writeLast(parent: Container, token: string, op: PatchOperation): void {
  if (Array.isArray(parent)) {
    const index = arrayIndex(token, parent.length, op.op === 'add');
    if (op.op === 'add') parent.splice(index, 0, op.value);
    else if (op.op === 'remove') parent.splice(index, 1);
    else parent[index] = op.value;
    return;
  }
  const present = Object.hasOwn(parent, token);
  if (op.op === 'add') setOwn(parent, token, op.value);
  else if (!present) throw new PatchError(`No member "${token}" to ${op.op}`);
  else if (op.op === 'remove') Reflect.deleteProperty(parent, token);
  else setOwn(parent, token, op.value);
}

/** Writes an own data property, so a member named `__proto__` stays data and never touches the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
