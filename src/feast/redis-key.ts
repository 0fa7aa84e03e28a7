import { entityKeyHead, type FeastEntityType, serializeEntityKey } from './entity-key.js';

export interface FeastKeyOptions {
  /** Feast project: the end of every key. */
  project: string;
  /** The entity's join key. @default "entity_id" */
  joinKey: string;
  /** @default "string" */
  entityType: FeastEntityType;
}

/**
 * `entity -> Redis key` for one project and join key. String entities reuse the fixed head per
 * value length (the key is built on every Redis read, so no per-call encoding of the join key).
 */
export function feastKeyBuilder(options: FeastKeyOptions): (entity: string) => Buffer {
  const project = Buffer.from(options.project, 'utf8');
  if (options.entityType !== 'string') {
    return (entity) => Buffer.concat([serializeEntityKey(options.joinKey, entity, options.entityType), project]);
  }
  const heads = new Map<number, Buffer>();
  return (entity) => {
    const value = Buffer.from(entity, 'utf8');
    let head = heads.get(value.length);
    if (head === undefined) {
      head = entityKeyHead(options.joinKey, 'string', value.length);
      heads.set(value.length, head);
    }
    return Buffer.concat([head, value, project]);
  };
}
