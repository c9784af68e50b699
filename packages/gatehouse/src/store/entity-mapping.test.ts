import { describe, expect, it } from 'vitest';
import { decodeObject, entityMapping } from './entity-mapping.js';

interface Thing {
  id: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  createdAt: number;
}
interface ThingRow {
  id: string;
  enabled: number;
  settings: string;
  created_at: number;
}

const things = entityMapping<Thing, ThingRow>()({
  id: ['id', 'value'],
  enabled: ['enabled', 'flag'],
  settings: ['settings', 'object'],
  createdAt: ['created_at', 'value'],
});

describe('entityMapping', () => {
  it('decodes a row into the entity and encodes it back', () => {
    const row: ThingRow = { id: 't_1', enabled: 1, settings: '{"a":{"b":[1,2]}}', created_at: 1_700_000_000_000 };
    const thing = things.read(row);
    expect(thing).toEqual({ id: 't_1', enabled: true, settings: { a: { b: [1, 2] } }, createdAt: 1_700_000_000_000 });
    expect(things.write(thing)).toEqual(row);
    expect(things.read({ ...row, enabled: 0 }).enabled).toBe(false);
  });

  it('reads the columns of a joined row under a prefix', () => {
    const joined = { id: 'other', t__id: 't_2', t__enabled: 0, t__settings: '{}', t__created_at: 5 };
    expect(things.readPrefixed('t__')(joined)).toEqual({ id: 't_2', enabled: false, settings: {}, createdAt: 5 });
    expect(things.readPrefixed('t__')).toBe(things.readPrefixed('t__'));
  });

  it('maps a partial change to its columns, leaving out fields set to undefined', () => {
    expect(things.writeChanges({ enabled: false, settings: { x: 1 }, createdAt: undefined })).toEqual({ enabled: 0, settings: '{"x":1}' });
    expect(things.writeChanges({})).toEqual({});
  });

  it('refuses a field no column stores', () => {
    expect(() => things.writeChanges({ nope: 1 } as Partial<Thing>)).toThrow('no column stores the field nope');
  });

  it('lists the columns in the order of the spec', () => {
    expect(things.columns).toEqual(['id', 'enabled', 'settings', 'created_at']);
  });
});

describe('decodeObject', () => {
  it('reads a JSON object and treats anything else as empty', () => {
    expect(decodeObject('{"a":{"b":[1,2]}}')).toEqual({ a: { b: [1, 2] } });
    expect(decodeObject('[1,2]')).toEqual({});
    expect(decodeObject('null')).toEqual({});
    expect(decodeObject('"text"')).toEqual({});
  });
});
