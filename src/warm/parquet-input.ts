import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { badInput } from '../errors.js';
import type { PayloadSpec } from '../workload/types.js';
import { cellValue, checkColumns, entityValue, type ColumnKind } from './feature-columns.js';
import { fileStamp } from './file-stamp.js';
import type { WarmInput, WarmRow } from './warm-input.js';

/**
 * A Parquet file of feature rows (the offline pipeline's export), read with hyparquet one row group
 * at a time, so memory follows the row group, not the file. The footer is read and every column
 * checked when the input is opened, before any key is written.
 */

export interface FeatureFileOptions {
  file: string;
  featureSet: { name: string; version: string; payload: PayloadSpec };
  entityColumn: string;
}

export async function openParquetInput(options: FeatureFileOptions): Promise<WarmInput> {
  const { file, featureSet, entityColumn } = options;
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw badInput(`${file}: cannot read as Parquet (${code ?? (error as Error).message})`);
  }
  const top = new Map(parquetSchema(metadata).children.map((child) => [child.element.name, child]));
  const columns = checkColumns(file, featureSet.name, entityColumn, featureSet.payload, (name) => {
    const node = top.get(name);
    return node === undefined ? undefined : describeParquet(node);
  });
  const kv = new Map((metadata.key_value_metadata ?? []).map((entry) => [entry.key, entry.value ?? '']));
  const stamp = await fileStamp(file, kv, featureSet);
  const dims = featureSet.payload.embedding;
  const names = [entityColumn, ...columns.map((c) => c.name)];
  return {
    name: file,
    total: Number(metadata.num_rows),
    stampOf: () => stamp,
    async *batches(size) {
      let rowStart = 0;
      for (const group of metadata.row_groups) {
        const rowEnd = rowStart + Number(group.num_rows);
        // One row group at a time: hyparquet decodes whole column chunks, so this is the unit of memory.
        const rows = await parquetReadObjects({ file: buffer, metadata, columns: names, rowStart, rowEnd });
        let batch: WarmRow[] = [];
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          const rowNo = rowStart + i;
          const values: Record<string, number | string | number[]> = {};
          for (const column of columns) values[column.name] = cellValue(file, rowNo, column, row[column.name], dims);
          batch.push({ entity: entityValue(file, rowNo, entityColumn, row[entityColumn]), featureSet: featureSet.name, values });
          if (batch.length === size) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length > 0) yield batch;
        rowStart = rowEnd;
      }
    },
    close: async () => undefined,
  };
}

/** A top-level Parquet column as a feature kind, and its type as the file names it (for messages). */
function describeParquet(node: SchemaTree): { kind: ColumnKind; type: string } {
  const element = node.element;
  if (node.children.length === 0) {
    const type = element.type ?? 'GROUP';
    const logical = element.logical_type?.type;
    const isString = element.converted_type === 'UTF8' || logical === 'STRING' || logical === 'ENUM';
    if (type === 'BYTE_ARRAY') return { kind: isString ? 'string' : 'other', type: isString ? 'STRING' : 'BYTE_ARRAY (binary)' };
    if (type === 'INT32' || type === 'INT64') return { kind: 'int', type };
    if (type === 'FLOAT' || type === 'DOUBLE') return { kind: 'float', type };
    return { kind: 'other', type };
  }
  // A LIST: group (LIST) -> repeated group -> element, or a legacy repeated leaf.
  const isList = element.converted_type === 'LIST' || element.logical_type?.type === 'LIST';
  let leaf: SchemaTree = node;
  while (leaf.children.length === 1) leaf = leaf.children[0]!;
  const leafType = leaf.element.type;
  if (isList && leaf.children.length === 0 && (leafType === 'FLOAT' || leafType === 'DOUBLE')) return { kind: 'float-list', type: `LIST<${leafType}>` };
  return { kind: 'other', type: isList ? `LIST<${leafType ?? 'GROUP'}>` : 'GROUP' };
}
