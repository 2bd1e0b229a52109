import { parseArgs } from 'node:util';

/** Every scenario, in the order a run measures them. */
export const SCENARIOS = ['ceiling', 'baseline', 'drain', 'drain-many', 'e2e-single', 'e2e-single-fsync', 'e2e-batch', 'replicated', 'steady', 'backlog', 'mysql', 'clickhouse'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchArgs {
  /** Under a minute: short windows, smaller counts, backlog skipped. */
  quick: boolean;
  /** Scenarios to run (default: all). */
  only: ScenarioName[];
  /** Overrides the backlog's event count (0 skips it). */
  backlogEvents: number | undefined;
  /** Run ingest and worker under `node --cpu-prof`, profiles in bench/results/profiles/. */
  cpuProf: boolean;
  /** Instead of the scenarios: the hostile-input fuzz test with this many requests (`--fuzz` alone: FUZZ_BENCH_REQUESTS). */
  fuzzRequests?: number;
  /** Run the soak (soak/soak.ts) instead of the scenarios. */
  soak: boolean;
  /** Length of the soak, in minutes. */
  soakMinutes: number;
}

/** Requests of `pnpm bench -- --fuzz` without a count: twenty times what `pnpm test` sends. */
export const FUZZ_BENCH_REQUESTS = 50_000;

/** Length of a soak when `--soak-minutes` does not say, in minutes. */
export const DEFAULT_SOAK_MINUTES = 30;

const USAGE =
  'usage: pnpm bench [-- --quick] [--only=drain,e2e-single] [--backlog-events=N] [--cpu-prof] | pnpm bench -- --fuzz[=N] | pnpm bench -- --soak [--soak-minutes=30]';

/**
 * Parses the bench's arguments. A bare `--` is dropped wherever it stands:
 * `pnpm bench -- --quick` hands it on to us with the rest.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    // `--fuzz` alone is `--fuzz=` (the default count): parseArgs has no optional values.
    args: argv.filter((a) => a !== '--').map((a) => (a === '--fuzz' ? '--fuzz=' : a)),
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'backlog-events': { type: 'string' },
      fuzz: { type: 'string' },
      soak: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = values.only === undefined ? [...SCENARIOS] : values.only.split(',').map((s) => s.trim());
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}\n${USAGE}`);
  const backlog = values['backlog-events'];
  if (backlog !== undefined && !/^\d+$/.test(backlog)) throw new Error(`--backlog-events must be a whole number, not ${backlog}\n${USAGE}`);
  const fuzz = values.fuzz;
  if (fuzz !== undefined && !/^\d*$/.test(fuzz)) throw new Error(`--fuzz takes a whole number of requests, not ${fuzz}\n${USAGE}`);
  const soakMinutes = values['soak-minutes'] === undefined ? DEFAULT_SOAK_MINUTES : Number(values['soak-minutes']);
  if (!Number.isFinite(soakMinutes) || soakMinutes <= 0) throw new Error(`--soak-minutes must be a positive number, not ${values['soak-minutes']}\n${USAGE}`);
  return {
    ...(fuzz !== undefined ? { fuzzRequests: fuzz === '' ? FUZZ_BENCH_REQUESTS : Number(fuzz) } : {}),
    soak: values.soak ?? false,
    soakMinutes,
    quick: values.quick ?? false,
    only: only as ScenarioName[],
    cpuProf: values['cpu-prof'] ?? false,
    backlogEvents: backlog === undefined ? undefined : Number(backlog),
  };
}
