import { open, type FileHandle } from 'node:fs/promises';
import type { DataType, Field, RecordBatch } from 'apache-arrow';
import { lazyModule } from '../lazy-module.js';

const arrow = lazyModule<typeof import('apache-arrow')>('apache-arrow');
import { badInput } from '../errors.js';
import { cellValue, checkColumns, entityValue, type ColumnKind } from './feature-columns.js';
import { fileStamp } from './file-stamp.js';
import { createFeatureObjectBuilder } from '../workload/payload.js';
import type { FeatureFileOptions } from './parquet-input.js';
import type { WarmInput, WarmRow } from './warm-input.js';

/**
 * An Arrow IPC file (file or stream format) of feature rows, read with apache-arrow one record
 * batch at a time from a file handle (random access for the file format), so memory follows the
 * record batch. The schema is read and every column checked when the input is opened.
 */
export async function openArrowInput(options: FeatureFileOptions): Promise<WarmInput> {
  const { file, featureSet, entityColumn } = options;
  let handle: FileHandle;
  let reader: Awaited<ReturnType<typeof openReader>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw badInput(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    reader = await openReader(handle);
  } catch (error) {
    await handle.close();
    throw badInput(`${file}: cannot read as Arrow IPC (${(error as Error).message})`);
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await reader.cancel().catch(() => undefined);
    await handle.close().catch(() => undefined);
  };
  try {
    const fields = new Map(reader.schema.fields.map((field: Field) => [field.name, field]));
    const columns = checkColumns(file, featureSet.name, entityColumn, featureSet.payload, (name) => {
      const field = fields.get(name);
      return field === undefined ? undefined : describeArrow(field.type);
    });
    const stamp = await fileStamp(file, reader.schema.metadata, featureSet);
    const dims = featureSet.payload.embedding;
  // One hidden class for every row (a literal per shape): 60 keys added one by one cost 5x more.
  const build = createFeatureObjectBuilder(featureSet.payload);
    return {
      name: file,
      // Row counts are only in the record batches; the file format's footer does not sum them.
      total: null,
      stampOf: () => stamp,
      async *batches(size) {
        let rowBase = 0;
        try {
          for await (const recordBatch of reader as AsyncIterable<RecordBatch>) {
            const entityVector = recordBatch.getChild(entityColumn)!;
            const vectors = columns.map((column) => recordBatch.getChild(column.name)!);
            let batch: WarmRow[] = [];
            for (let i = 0; i < recordBatch.numRows; i++) {
              const rowNo = rowBase + i;
              const cells = new Array<unknown>(columns.length);
              for (let c = 0; c < columns.length; c++) cells[c] = cellValue(file, rowNo, columns[c]!, listToArray(vectors[c]!.get(i)), dims);
              batch.push({ entity: entityValue(file, rowNo, entityColumn, entityVector.get(i)), featureSet: featureSet.name, values: build(cells) });
              if (batch.length === size) {
                yield batch;
                batch = [];
              }
            }
            if (batch.length > 0) yield batch;
            rowBase += recordBatch.numRows;
          }
        } finally {
          await close();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openReader(handle: FileHandle) {
  const reader = await arrow().RecordBatchReader.from(handle);
  await reader.open();
  return reader;
}

/** A list cell comes back as an Arrow Vector: its values as a plain array. */
function listToArray(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'toArray' in value && typeof (value as { toArray: unknown }).toArray === 'function') {
    return Array.from((value as { toArray(): ArrayLike<number> }).toArray());
  }
  return value;
}

function describeArrow(type: DataType): { kind: ColumnKind; type: string } {
  const name = String(type);
  const { Type } = arrow();
  switch (type.typeId) {
    case Type.Float:
      return { kind: 'float', type: name };
    case Type.Int:
      return { kind: 'int', type: name };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: 'string', type: name };
    case Type.Dictionary: {
      const dictionary = (type as unknown as { dictionary: DataType }).dictionary;
      return { kind: dictionary.typeId === Type.Utf8 || dictionary.typeId === Type.LargeUtf8 ? 'string' : 'other', type: name };
    }
    case Type.List:
    case Type.FixedSizeList: {
      const child = (type as unknown as { children: Field[] }).children[0];
      return { kind: child?.type.typeId === Type.Float ? 'float-list' : 'other', type: name };
    }
    default:
      return { kind: 'other', type: name };
  }
}
