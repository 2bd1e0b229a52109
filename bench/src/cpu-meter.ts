import fs from 'node:fs';
import { round } from './stats';

/** Anything whose CPU time so far can be read, in seconds (undefined once gone). */
export interface CpuSource {
  cpuSeconds(): number | undefined;
}

/** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** Busy CPU time of the whole machine so far (all cores, everything but idle and iowait), in seconds. */
function machineBusySeconds(): number {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …
  const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  return busy / USER_HZ;
}

/**
 * CPU used by each party while a load runs, in seconds: the bench process
 * itself (the load generator), each named process, and `machine`, the busy
 * time of all cores together. What `machine` has beyond the parties is
 * PostgreSQL, the kernel, and anything else running on the box (say, another
 * engineer's tests: then the figures are not this machine's best).
 */
export class CpuMeter {
  private readonly startSelf = process.cpuUsage();
  private readonly startMachine = machineBusySeconds();
  private readonly startWall = performance.now();
  private readonly start: Map<string, number>;

  constructor(private readonly parties: Record<string, CpuSource>) {
    this.start = new Map(Object.entries(parties).map(([name, p]) => [name, p.cpuSeconds() ?? 0]));
  }

  /** Seconds of CPU since construction, by party, plus `wall` (elapsed seconds) and `machine`. */
  read(): Record<string, number> {
    const self = process.cpuUsage(this.startSelf);
    const out: Record<string, number> = {
      wall: round((performance.now() - this.startWall) / 1000, 2),
      machine: round(machineBusySeconds() - this.startMachine, 2),
      generator: round((self.user + self.system) / 1e6, 2),
    };
    for (const [name, p] of Object.entries(this.parties)) out[name] = round((p.cpuSeconds() ?? 0) - (this.start.get(name) ?? 0), 2);
    return out;
  }
}
