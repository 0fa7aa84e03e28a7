import { tableToIPC, vectorFromArray, Table, Float64, Int32, Utf8, List, Field, Float32, type Vector } from 'apache-arrow';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { writeFileSync } from 'node:fs';
import type { SchemaElement } from 'hyparquet';
import type { FeatureValues, PayloadSpec } from '../src/workload/types.js';

/**
 * Feature-row files as an offline pipeline exports them, for the warm tests and the warm bench:
 * an `entity` column, then f0.. (DOUBLE), i0.. (INT32), s0.. (STRING), emb (LIST<FLOAT>). Parquet
 * is written with hyparquet-writer (row group by row group, so a large file never sits in memory),
 * Arrow IPC (file format) with apache-arrow. `metadata` goes to the Parquet footer / Arrow schema.
 */

export interface FeatureRow {
  entity: string;
  values: FeatureValues;
}

function columnsOf(spec: PayloadSpec): { name: string; kind: 'double' | 'int' | 'string' | 'emb' }[] {
  const columns: { name: string; kind: 'double' | 'int' | 'string' | 'emb' }[] = [];
  for (let i = 0; i < spec.floats; i++) columns.push({ name: `f${i}`, kind: 'double' });
  for (let i = 0; i < spec.ints; i++) columns.push({ name: `i${i}`, kind: 'int' });
  for (let i = 0; i < spec.strings; i++) columns.push({ name: `s${i}`, kind: 'string' });
  if (spec.embedding > 0) columns.push({ name: 'emb', kind: 'emb' });
  return columns;
}

function parquetSchemaOf(options: FeatureFileOptions, entityColumn: string, omit: readonly string[]): SchemaElement[] {
  const columns = kindsOf(options);
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length + (omit.includes(entityColumn) ? 0 : 1) }];
  if (!omit.includes(entityColumn)) schema.push({ name: entityColumn, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
  for (const c of columns) {
    if (c.kind === 'double') schema.push({ name: c.name, type: 'DOUBLE', repetition_type: 'REQUIRED' });
    else if (c.kind === 'int') schema.push({ name: c.name, type: 'INT32', repetition_type: 'REQUIRED' });
    else if (c.kind === 'string') schema.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
    else {
      schema.push({ name: c.name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schema.push({ name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' });
    }
  }
  return schema;
}

export interface FeatureFileOptions {
  spec: PayloadSpec;
  metadata?: Record<string, string>;
  /** @default 5000 */
  rowGroupSize?: number;
  /** @default "entity" */
  entityColumn?: string;
  /** Columns to leave out (bad-input tests). */
  omit?: readonly string[];
  /** Columns written as strings whatever the feature set says (bad-input tests: a type the set cannot hold). */
  asStrings?: readonly string[];
}

function kindsOf(options: FeatureFileOptions): { name: string; kind: 'double' | 'int' | 'string' | 'emb' }[] {
  const omit = options.omit ?? [];
  const asStrings = options.asStrings ?? [];
  return columnsOf(options.spec)
    .filter((c) => !omit.includes(c.name))
    .map((c) => (asStrings.includes(c.name) ? { name: c.name, kind: 'string' as const } : c));
}

function cell(kind: string, value: unknown): unknown {
  return kind === 'string' && typeof value !== 'string' ? String(value) : value;
}

/** Writes `rows()` (called once, streamed) as Parquet, one row group per `rowGroupSize` rows. */
export async function writeFeatureParquet(file: string, rows: Iterable<FeatureRow>, options: FeatureFileOptions): Promise<void> {
  const entityColumn = options.entityColumn ?? 'entity';
  const omit = options.omit ?? [];
  const columns = kindsOf(options);
  const writer = new ParquetWriter({
    writer: fileWriter(file),
    schema: parquetSchemaOf(options, entityColumn, omit) as never,
    kvMetadata: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  const groupSize = options.rowGroupSize ?? 5000;
  let group: FeatureRow[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const columnData = [
      ...(omit.includes(entityColumn) ? [] : [{ name: entityColumn, data: group.map((r) => r.entity) }]),
      ...columns.map((c) => ({ name: c.name, data: group.map((r) => cell(c.kind, r.values[c.name])) as never })),
    ];
    await writer.write({ columnData, rowGroupSize: group.length });
    group = [];
  };
  for (const row of rows) {
    group.push(row);
    if (group.length === groupSize) await flush();
  }
  await flush();
  await writer.finish();
}

/** Writes `rows` as an Arrow IPC file (record batches of `rowGroupSize` rows). */
export function writeFeatureArrow(file: string, rows: readonly FeatureRow[], options: FeatureFileOptions): void {
  const entityColumn = options.entityColumn ?? 'entity';
  const omit = options.omit ?? [];
  const vectors: Record<string, Vector> = {};
  if (!omit.includes(entityColumn)) vectors[entityColumn] = vectorFromArray(rows.map((r) => r.entity), new Utf8());
  for (const c of kindsOf(options)) {
    const data = rows.map((r) => cell(c.kind, r.values[c.name]));
    if (c.kind === 'double') vectors[c.name] = vectorFromArray(data as number[], new Float64());
    else if (c.kind === 'int') vectors[c.name] = vectorFromArray(data as number[], new Int32());
    else if (c.kind === 'string') vectors[c.name] = vectorFromArray(data as string[], new Utf8());
    else vectors[c.name] = vectorFromArray(data as number[][], new List(new Field('element', new Float32(), false)));
  }
  const table = new Table(vectors);
  for (const [key, value] of Object.entries(options.metadata ?? {})) table.schema.metadata.set(key, value);
  writeFileSync(file, tableToIPC(table, 'file'));
}
