/**
 * How a table's row becomes the domain's entity and back. Rows hold what both dialects store alike
 * (0/1 for booleans, JSON as text, snake_case names); entities hold booleans, decoded objects and
 * camelCase names. Decoding happens here once, when a row is read, so nothing above the store sees a
 * column.
 */

/**
 * `value`: stored as is; `flag`: a boolean stored as 0/1; `object`: a JSON object stored as text;
 * `json`: any JSON value (an array, null) stored as text.
 */
export type Codec = 'value' | 'flag' | 'object' | 'json';

/** Every field of `Entity` with the column it lives in and how it is stored. */
export type MappingSpec<Entity, Row> = { readonly [Field in keyof Entity & string]: readonly [column: keyof Row & string, codec: Codec] };

export interface EntityMapping<Entity, Row> {
  /** Every column of the table, in the spec's order. */
  readonly columns: readonly (keyof Row & string)[];
  /** The entity in a row read from the table. */
  readonly read: (row: Row) => Entity;
  /** A reader for a joined row where the table's columns sit under `prefix` (`u__id` …). */
  readPrefixed(prefix: string): (joined: object) => Entity;
  /** The row that stores `entity`. */
  readonly write: (entity: Entity) => Row;
  /** The columns that store the fields `changes` sets (fields set to undefined are left out). */
  readonly writeChanges: (changes: Partial<Entity>) => Partial<Row>;
}

/** A stored JSON object; anything else (which only a hand-edited row could hold) reads as `{}`. */
export function decodeObject(text: string): Record<string, unknown> {
  const value = JSON.parse(text) as unknown;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function encode(codec: Codec, value: unknown): unknown {
  if (codec === 'flag') return value ? 1 : 0;
  if (codec === 'object' || codec === 'json') return JSON.stringify(value);
  return value;
}

/** The expression that reads `column` under `prefix` out of `source`, decoded by `codec`. */
function readExpression(codec: Codec, source: string, key: string): string {
  const load = `${source}[${JSON.stringify(key)}]`;
  if (codec === 'flag') return `${load} === 1`;
  if (codec === 'object') return `decodeObject(${load})`;
  if (codec === 'json') return `JSON.parse(${load})`;
  return load;
}

/**
 * Builds a mapping from `spec`. The readers are compiled once into an object literal with constant
 * keys (as `rowBuilder` in sqlite.ts is), so every read is plain property loads into one object shape
 * on the hot paths (getUser, token refresh): a loop over the fields built each key, looked it up
 * megamorphically and grew the object a property at a time. The names are our own schema's, and
 * JSON.stringify makes each a plain string literal. The spec compiles only while it names every column
 * of `Row`, so a column added to the table but not to the entity is caught by the typecheck.
 */
export function entityMapping<Entity, Row>() {
  return <const Spec extends MappingSpec<Entity, Row>>(
    spec: Spec & (Exclude<keyof Row, Spec[keyof Spec][0]> extends never ? unknown : { missing: Exclude<keyof Row, Spec[keyof Spec][0]> }),
  ): EntityMapping<Entity, Row> => {
    const fields = Object.entries(spec as MappingSpec<Entity, Row>) as [string, readonly [string, Codec]][];
    const byField = new Map(fields);
    const compileReader = (prefix: string) => {
      const body = fields.map(([field, [column, codec]]) => `${JSON.stringify(field)}: ${readExpression(codec, 'row', prefix + column)}`);
      return new Function('decodeObject', `return (row) => ({ ${body.join(', ')} });`)(decodeObject) as (joined: object) => Entity;
    };
    const writeBody = fields.map(([field, [column, codec]]) => {
      const load = `entity[${JSON.stringify(field)}]`;
      const value = codec === 'flag' ? `(${load} ? 1 : 0)` : codec === 'object' || codec === 'json' ? `JSON.stringify(${load})` : load;
      return `${JSON.stringify(column)}: ${value}`;
    });
    const readers = new Map<string, (joined: object) => Entity>();
    const readPrefixed = (prefix: string) => {
      let reader = readers.get(prefix);
      if (!reader) {
        reader = compileReader(prefix);
        readers.set(prefix, reader);
      }
      return reader;
    };
    return {
      columns: fields.map(([, [column]]) => column as keyof Row & string),
      read: readPrefixed('') as (row: Row) => Entity,
      readPrefixed,
      write: new Function(`return (entity) => ({ ${writeBody.join(', ')} });`)() as (entity: Entity) => Row,
      writeChanges(changes) {
        const out: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(changes)) {
          const target = byField.get(field);
          if (!target) throw new Error(`no column stores the field ${field}`);
          if (value !== undefined) out[target[0]] = encode(target[1], value);
        }
        return out as Partial<Row>;
      },
    };
  };
}
