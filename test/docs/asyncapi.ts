/**
 * docs/asyncapi.yaml for tests: its JSON Schemas compiled with ajv, and the drift check — every key
 * of a value is declared by its schema (the schemas stay open to additions, so validation alone
 * would never notice an undeclared field).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const ASYNCAPI_PATH = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

/** A JSON Schema as the document writes it (only the keywords the drift check reads are typed). */
export interface Schema {
  readonly $ref?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly patternProperties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly items?: Schema;
  readonly allOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly then?: Schema;
  readonly else?: Schema;
  readonly const?: unknown;
  readonly [keyword: string]: unknown;
}

/** The parsed document (plain data). */
export interface AsyncApiDocument {
  readonly channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  readonly components: {
    readonly schemas: Record<string, Schema>;
    readonly messages: Record<string, { name: string; payload: Schema }>;
  };
  readonly [key: string]: unknown;
}

/** Reads and parses the document (or `text`, for tests that change it). */
export function loadAsyncApi(text = readFileSync(ASYNCAPI_PATH, 'utf8')): AsyncApiDocument {
  return parse(text) as AsyncApiDocument;
}

const DOC_ID = 'asyncapi';

/** Keywords that constrain a value's shape; a schema with none of them accepts any JSON value. */
const SHAPING = ['$ref', 'type', 'properties', 'patternProperties', 'additionalProperties', 'items', 'allOf', 'oneOf', 'anyOf', 'if', 'const', 'enum'];

function isAnyValue(schema: Schema): boolean {
  return !SHAPING.some((keyword) => keyword in schema);
}

/** Validators for the document's component schemas, by name. */
export class Schemas {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: AsyncApiDocument = loadAsyncApi()) {
    this.ajv.addSchema(doc as object, DOC_ID);
  }

  /** The errors of `value` against `components.schemas[name]`, as readable lines ([] when valid). */
  errors(name: string, value: unknown): string[] {
    let validate = this.compiled.get(name);
    if (validate === undefined) {
      validate = this.ajv.getSchema(`${DOC_ID}#/components/schemas/${name}`);
      if (validate === undefined) throw new Error(`no schema ${name}`);
      this.compiled.set(name, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** The schema named `name`. */
  schema(name: string): Schema {
    const schema = this.doc.components.schemas[name];
    if (schema === undefined) throw new Error(`no schema ${name}`);
    return schema;
  }

  /** `$ref: '#/components/schemas/X'` → X's schema; anything else unchanged. */
  resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; current.$ref !== undefined; hops++) {
      if (hops > 20) throw new Error(`$ref loop at ${current.$ref}`);
      const match = /^#\/components\/schemas\/(.+)$/.exec(current.$ref);
      if (match?.[1] === undefined) throw new Error(`unsupported $ref ${current.$ref}`);
      current = this.schema(match[1]);
    }
    return current;
  }

  /** The projection state schema of each channel, as the snapshot frame's schema pairs them. */
  projectionSchemas(): Map<string, string> {
    const byChannel = new Map<string, string>();
    for (const rule of this.schema('SnapshotFrame').allOf ?? []) {
      const channel = (rule.if as Schema | undefined)?.properties?.channel?.const;
      const ref = rule.then?.properties?.state?.$ref;
      if (typeof channel === 'string' && ref !== undefined) byChannel.set(channel, ref.replace('#/components/schemas/', ''));
    }
    return byChannel;
  }

  /**
   * The JSON Pointers of every key in `value` that `schema` does not declare: not in `properties`
   * nor `patternProperties` of the schema or of any schema it combines (`allOf`, `oneOf`, `anyOf`,
   * `then`, `else`), and no `additionalProperties` schema (a map keyed by data) to take it. A member
   * declared only as any JSON value is not looked into.
   */
  undeclared(schema: Schema | string, value: unknown, path = ''): string[] {
    const root = typeof schema === 'string' ? this.schema(schema) : schema;
    return this.walk(this.alternatives(root), value, path);
  }

  private walk(schemas: readonly Schema[], value: unknown, path: string): string[] {
    if (Array.isArray(value)) {
      const items = schemas.flatMap((s) => (s.items === undefined ? [] : this.alternatives(s.items)));
      return value.flatMap((item, i) => this.walk(items, item, `${path}/${i}`));
    }
    if (typeof value !== 'object' || value === null) return [];
    const found: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      const here = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const childSchemas = schemas.flatMap((s) => this.declaring(s, key));
      if (childSchemas.length === 0) {
        found.push(here);
        continue;
      }
      // A member declared as any JSON value (an op's `value`, an envelope's `data` before its
      // type picks a schema) is checked by the schemas that say more about it, if any.
      const shaped = childSchemas.filter((c) => !isAnyValue(this.resolve(c)));
      if (shaped.length > 0) found.push(...this.walk(shaped.flatMap((c) => this.alternatives(c)), child, here));
    }
    return found;
  }

  /** The schemas `schema` declares for the member `key`: [] when it does not declare it. */
  private declaring(schema: Schema, key: string): Schema[] {
    const declared: Schema[] = [];
    const property = schema.properties?.[key];
    if (property !== undefined) declared.push(property);
    for (const [pattern, s] of Object.entries(schema.patternProperties ?? {})) if (new RegExp(pattern, 'u').test(key)) declared.push(s);
    if (typeof schema.additionalProperties === 'object') declared.push(schema.additionalProperties);
    return declared;
  }

  /** `schema` and every schema it combines, with `$ref`s resolved. */
  private alternatives(schema: Schema): Schema[] {
    const resolved = this.resolve(schema);
    const nested = [...(resolved.allOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])];
    if (resolved.then !== undefined) nested.push(resolved.then);
    if (resolved.else !== undefined) nested.push(resolved.else);
    return [resolved, ...nested.flatMap((s) => this.alternatives(s))];
  }
}
