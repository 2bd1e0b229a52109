import { FUZZ_BENCH_REQUESTS, parseBenchArgs, SCENARIOS } from './args';

describe('parseBenchArgs', () => {
  it('accepts --quick after the -- that pnpm hands on', () => {
    expect(parseBenchArgs(['--', '--quick'])).toMatchObject({ quick: true, only: [...SCENARIOS], cpuProf: false });
  });

  it('defaults to the full run of every scenario', () => {
    expect(parseBenchArgs([])).toEqual({ quick: false, only: [...SCENARIOS], cpuProf: false, backlogEvents: undefined, soak: false, soakMinutes: 30 });
  });

  it('reads --only and --backlog-events', () => {
    expect(parseBenchArgs(['--only=drain,steady', '--backlog-events=100000'])).toMatchObject({ only: ['drain', 'steady'], backlogEvents: 100000 });
  });

  it('reads --fuzz with or without a count', () => {
    expect(parseBenchArgs(['--', '--fuzz'])).toMatchObject({ fuzzRequests: FUZZ_BENCH_REQUESTS });
    expect(parseBenchArgs(['--fuzz=20000'])).toMatchObject({ fuzzRequests: 20000 });
    expect(() => parseBenchArgs(['--fuzz=many'])).toThrow(/--fuzz takes a whole number/);
  });

  it('refuses an unknown scenario, an unknown flag and a bad count, naming them', () => {
    expect(() => parseBenchArgs(['--only=drain,warp'])).toThrow(/unknown scenario warp/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/--fast/);
    expect(() => parseBenchArgs(['--backlog-events=lots'])).toThrow(/--backlog-events must be a whole number/);
  });

  it('reads --soak with its length in minutes, 30 by default', () => {
    expect(parseBenchArgs(['--', '--soak'])).toMatchObject({ soak: true, soakMinutes: 30 });
    expect(parseBenchArgs(['--soak', '--soak-minutes=2.5'])).toMatchObject({ soak: true, soakMinutes: 2.5 });
    expect(() => parseBenchArgs(['--soak', '--soak-minutes=0'])).toThrow(/--soak-minutes must be a positive number/);
  });
});
