import { badInput } from '../errors.js';
import type { PayloadSpec } from '../workload/types.js';

/**
 * The columns a feature-row file (Parquet, Arrow) must have for one feature set, and the check of
 * their types, shared by both readers: `f0..` floats, `i0..` integers, `s0..` strings, `emb` a list
 * of floats of the set's dimensions, plus the entity column. Values are built in the feature set's
 * own key order whatever the column order, so a file gives the bytes the source would. Pure.
 */

/** What a reader found a column to be, in terms the feature set cares about. */
export type ColumnKind = 'float' | 'int' | 'string' | 'float-list' | 'other';

export interface ColumnPlan {
  name: string;
  want: 'float' | 'int' | 'string' | 'float-list';
}

/** Feature columns in the order the payload generator builds them. */
export function featureColumns(spec: PayloadSpec): ColumnPlan[] {
  const columns: ColumnPlan[] = [];
  for (let i = 0; i < spec.floats; i++) columns.push({ name: `f${i}`, want: 'float' });
  for (let i = 0; i < spec.ints; i++) columns.push({ name: `i${i}`, want: 'int' });
  for (let i = 0; i < spec.strings; i++) columns.push({ name: `s${i}`, want: 'string' });
  if (spec.embedding > 0) columns.push({ name: 'emb', want: 'float-list' });
  return columns;
}

/** Integers hold in a float feature; nothing else crosses kinds. */
function holds(want: ColumnPlan['want'], found: ColumnKind): boolean {
  return want === found || (want === 'float' && found === 'int');
}

/**
 * Checks every column before a row is read: the entity column exists and is a string or integer,
 * every feature column exists with a type the set can hold. Exit 2 naming file and column.
 */
export function checkColumns(file: string, featureSet: string, entityColumn: string, spec: PayloadSpec, kindOf: (name: string) => { kind: ColumnKind; type: string } | undefined): ColumnPlan[] {
  const entity = kindOf(entityColumn);
  if (entity === undefined) throw badInput(`${file}: column ${entityColumn}: missing (the entity column; name another with --entity-column)`);
  if (entity.kind !== 'string' && entity.kind !== 'int') throw badInput(`${file}: column ${entityColumn}: type ${entity.type} cannot hold entity ids (expected a string or integer column)`);
  const columns = featureColumns(spec);
  for (const column of columns) {
    const found = kindOf(column.name);
    if (found === undefined) throw badInput(`${file}: column ${column.name}: missing (feature set ${featureSet} has it)`);
    if (!holds(column.want, found.kind)) {
      throw badInput(`${file}: column ${column.name}: type ${found.type} cannot hold a ${describeWant(column.want)} feature of ${featureSet}`);
    }
  }
  return columns;
}

function describeWant(want: ColumnPlan['want']): string {
  return want === 'float-list' ? 'list-of-floats (embedding)' : want;
}

/** A cell as the feature set stores it (bigint -> number, a typed array -> number[]); exit 2 on null or a wrong length. */
export function cellValue(file: string, row: number, column: ColumnPlan, value: unknown, dims: number): number | string | number[] {
  if (value === null || value === undefined) throw badInput(`${file}: row ${row}: column ${column.name}: null (feature values must be present)`);
  switch (column.want) {
    case 'float':
    case 'int': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number') throw badInput(`${file}: row ${row}: column ${column.name}: not a number`);
      return n;
    }
    case 'string':
      if (typeof value !== 'string') throw badInput(`${file}: row ${row}: column ${column.name}: not a string`);
      return value;
    case 'float-list': {
      const list = Array.isArray(value) ? value : ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : null;
      if (list === null) throw badInput(`${file}: row ${row}: column ${column.name}: not a list`);
      if (list.length !== dims) throw badInput(`${file}: row ${row}: column ${column.name}: ${list.length} values, the feature set's embedding has ${dims}`);
      return list.map(Number);
    }
  }
}

/** An entity id from a cell: integers as decimal strings (the id format of the whole tool). */
export function entityValue(file: string, row: number, column: string, value: unknown): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw badInput(`${file}: row ${row}: column ${column}: ${value === null || value === undefined ? 'null' : 'not an entity id'}`);
}
