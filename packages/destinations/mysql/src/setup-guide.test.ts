import { renderMysqlSetupGuide } from './setup-guide';

describe('renderMysqlSetupGuide', () => {
  it('creates the user only if missing and grants INSERT on each table, nothing more', () => {
    const guide = renderMysqlSetupGuide({ database: 'app', tables: ['events', 'events_order_completed'], username: 'pushrail_writer', authMode: 'PASSWORD' });
    expect(guide).toContain("CREATE USER IF NOT EXISTS 'pushrail_writer'@'%' IDENTIFIED BY '<choose a strong password>';");
    expect(guide).toContain("GRANT INSERT ON `app`.`events` TO 'pushrail_writer'@'%';");
    expect(guide).toContain("GRANT INSERT ON `app`.`events_order_completed` TO 'pushrail_writer'@'%';");
    expect(guide.match(/^CREATE TABLE IF NOT EXISTS/gm)).toHaveLength(2);
    // Every statement outside comments grants INSERT only.
    const grants = guide.split('\n').filter((line) => line.startsWith('GRANT'));
    expect(grants.every((line) => line.startsWith('GRANT INSERT ON'))).toBe(true);
    expect(guide).not.toMatch(/ALTER USER|SET PASSWORD/);
  });

  it('sets up RDS IAM users for the clear-text plugin, over TLS only, with no password', () => {
    const guide = renderMysqlSetupGuide({ database: 'app', tables: ['events'], username: 'pushrail_writer', authMode: 'RDS_IAM' });
    expect(guide).toContain("CREATE USER IF NOT EXISTS 'pushrail_writer'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;");
    expect(guide).not.toContain('IDENTIFIED BY');
  });

  it('quotes names that hold quotes', () => {
    const guide = renderMysqlSetupGuide({ database: 'we`ird', tables: ['ev`ents'], username: "o'brien", authMode: 'PASSWORD' });
    expect(guide).toContain("GRANT INSERT ON `we``ird`.`ev``ents` TO 'o''brien'@'%';");
  });
});
