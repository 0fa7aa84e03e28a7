import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { badInput, type FcbenchError } from '../../errors.js';
import type { CascadeFactory, CascadePlugin, PluginContext } from './plugin-types.js';

/** The implementations fcbench ships; anything else in `cascade.implementation` is a module path. */
export const BUILTIN_IMPLEMENTATIONS = ['fcbench', 'bentocache', 'cache-manager'] as const;
export type BuiltinImplementation = (typeof BUILTIN_IMPLEMENTATIONS)[number];

export function isBuiltinImplementation(name: string): name is BuiltinImplementation {
  return (BUILTIN_IMPLEMENTATIONS as readonly string[]).includes(name);
}

/** A loaded plugin factory, and what the result calls it. */
export interface LoadedFactory {
  /** `bentocache`, `cache-manager`, or the module's absolute path. */
  name: string;
  create(context: PluginContext): Promise<CascadePlugin>;
}

/**
 * Where the problem is, for one-line errors: `file:line:col: cascade.implementation`. The message
 * of any error a module throws is cut to its first line: the CLI prints exactly one line for bad input.
 */
export type Located = (message: string) => FcbenchError;

export function locatedAt(where: string): Located {
  return (message) => badInput(`${where}: cascade.implementation: ${message}`);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.trim();
}

/** The factory of a plugin (not `fcbench`, which is no plugin): a built-in adapter, or the module at `name` relative to `scenarioDir`. */
export async function loadFactory(name: string, scenarioDir: string, located: Located): Promise<LoadedFactory> {
  if (name === 'bentocache') return wrap(name, (await import('./bentocache-adapter.js')).createCascade, located);
  if (name === 'cache-manager') return wrap(name, (await import('./cache-manager-adapter.js')).createCascade, located);
  const file = resolve(scenarioDir, name);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw located(`module not found: ${file} (paths are relative to the scenario's folder)`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw located(`cannot load ${file}: this Node (${process.version}) does not run TypeScript; compile it to .js, or use Node >= 22.6 with --experimental-strip-types`);
    }
    throw located(`cannot load ${file}: ${firstLine(error)}`);
  }
  const factory = exports['createCascade'] ?? exports['default'];
  if (typeof factory !== 'function') {
    const names = Object.keys(exports);
    throw located(`${file} exports no createCascade function (nor a default one); it exports ${names.length === 0 ? 'nothing' : names.join(', ')}`);
  }
  return wrap(file, factory as CascadeFactory, located);
}

function wrap(name: string, factory: CascadeFactory, located: Located): LoadedFactory {
  return {
    name,
    async create(context) {
      let plugin: unknown;
      try {
        plugin = await factory(context);
      } catch (error) {
        throw located(`the factory of ${name} threw: ${firstLine(error)}`);
      }
      const p = plugin as Partial<CascadePlugin> | null;
      if (typeof p?.get !== 'function') throw located(`the factory of ${name} returned no get(entity, featureSet) function`);
      if (typeof p.close !== 'function') throw located(`the factory of ${name} returned no close() function`);
      return p as CascadePlugin;
    },
  };
}
