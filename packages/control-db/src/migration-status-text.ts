import type { MigrationStatus } from './migrate';

/**
 * `pnpm migrate --status` as text: one line a migration, then a summary.
 * `changed` and `missing` mean the database and the files disagree: the
 * processes refuse to start on `changed`.
 */
export function formatMigrationStatus(statuses: readonly MigrationStatus[]): string {
  const lines = statuses.map((m) => {
    const version = String(m.version).padStart(6, '0');
    const when = m.appliedAt ? m.appliedAt.toISOString() : '-';
    return `${version}  ${m.state.padEnd(8)}  ${when.padEnd(24)}  ${m.name}`;
  });
  const count = (state: MigrationStatus['state']) => statuses.filter((m) => m.state === state).length;
  const summary = `${count('applied')} applied, ${count('pending')} pending` +
    (count('changed') ? `, ${count('changed')} changed since applied` : '') +
    (count('missing') ? `, ${count('missing')} applied but missing here` : '');
  return [`version state     applied at                name`, ...lines, summary].join('\n');
}
