import { cpus } from 'node:os';

/** Machine facts that vary between runs; every result records them. */
export function machineInfo(): { node: string; platform: string; arch: string; cpus: number; cpuModel: string } {
  const list = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
  };
}
