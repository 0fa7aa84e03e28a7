import { fileURLToPath } from 'node:url';
import { REPLICA_ENV_FLAG } from './replica-protocol.js';
import { runReplicaProcess } from './replica-process.js';

/**
 * The module `ReplicaSet` forks for each builtin replica. The runner imports it too (for its path,
 * so every build of the CLI contains it); it starts a replica only in a forked child that has the
 * IPC channel and the flag.
 */
export const REPLICA_ENTRY_PATH = fileURLToPath(import.meta.url);

if (process.env[REPLICA_ENV_FLAG] === '1' && typeof process.send === 'function') void runReplicaProcess();
