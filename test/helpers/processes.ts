import { readFileSync } from 'node:fs';

/** Child processes of `pid` running fcbench's replica entry module (Linux /proc). */
export function replicaChildren(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return (text === '' ? [] : text.split(/\s+/).map(Number)).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('replica-entry');
    } catch {
      // gone meanwhile
      return false;
    }
  });
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
