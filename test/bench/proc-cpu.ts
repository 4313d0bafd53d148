// CPU time of processes from /proc (Linux), for a bench's note of where the machine's time
// went: a process's own time, and a PostgreSQL server's (its postmaster, the backends alive
// now and those already gone, which the kernel adds to the postmaster's children's time).
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

// After the name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.
const ticks = (f: string[] | undefined, from: number, to: number) =>
  f ? f.slice(from, to + 1).reduce((n, v) => n + Number(v), 0) : 0;

/** Seconds of CPU `pid` has used (0 once it is gone). */
export const cpuOf = (pid: number): number => ticks(stat(pid), 11, 12) / TICKS;

const pids = () =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

/** The postmaster listening on `port` (its command line names `-p <port>`), if any. */
export function postmasterOn(port: number): number | undefined {
  return pids().find((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return args[0]?.endsWith('/postgres') && args[args.indexOf('-p') + 1] === String(port);
    } catch {
      return false;
    }
  });
}

/** Seconds of CPU a PostgreSQL server has used: postmaster, live backends, reaped ones. */
export function serverCpu(postmaster: number): number {
  let total = ticks(stat(postmaster), 11, 14);
  for (const pid of pids()) {
    const f = stat(pid);
    if (f?.[1] === String(postmaster)) total += ticks(f, 11, 12);
  }
  return total / TICKS;
}
