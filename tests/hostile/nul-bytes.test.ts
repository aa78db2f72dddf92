// U+0000 anywhere a client controls text: PostgreSQL refuses it in text and jsonb, so before the edge hook and the
// importers' checks each of these reached the database and answered 500.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const NESSUS = (reportName: string) => `<?xml version="1.0"?>
<NessusClientData_v2><Report name="r">
<ReportHost name="10.9.0.1"><HostProperties><tag name="host-ip">10.9.0.1</tag></HostProperties>
<ReportItem port="445" svc_name="cifs" protocol="tcp" severity="3" pluginID="1001" pluginName="SMB" pluginFamily="Windows"><description>d</description></ReportItem>
</ReportHost>
<ReportHost name="10.9.0.2"><HostProperties><tag name="host-ip">10.9.0.2</tag></HostProperties>
<ReportItem port="80" svc_name="www" protocol="tcp" severity="2" pluginID="1002" pluginName="${reportName}" pluginFamily="Web"/>
</ReportHost>
</Report></NessusClientData_v2>
`;

const SCAN_CSV = [
  '"Plugin ID","CVE","CVSS","Risk","Host","Protocol","Port","Name","Plugin Output"',
  '"2001","","7.5","High","10.9.1.1","tcp","22","SSH weak","ok"',
  '"2002","","5.0","Medium","10.9.1.2","tcp","80","HTTP thing","bad\0output"',
  '"2003","","9.8","Critical","10.9.1.3","tcp","443","TLS hole","ok"',
].join('\n');

const count = async (database: Database, table: 'computers' | 'organisations') =>
  ((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n ??
    -1) as number;

describe.each(TEST_DATABASES)('NUL characters on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('nul-admin', 'admin');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('refuses a NUL in a JSON field with 400 naming the field, and stores nothing', async () => {
    const before = await count(database, 'organisations');
    const res = await admin.request('POST', '/api/organisations', {
      code: 'N1',
      name: 'Sở\u0000X',
      type: 'department',
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION', details: [{ path: 'body.name' }] });
    expect(res.json().error.message).toContain('body.name');
    expect(await count(database, 'organisations')).toBe(before);
  });

  it('names the path inside nested JSON and in object keys', async () => {
    const rows = [
      { organisation_code: '1', name: 'ok' },
      { organisation_code: '1', hosts: 'a\u0000' },
    ];
    const nested = await admin.request('POST', '/api/systems/import', rows);
    expect(nested.statusCode, nested.body).toBe(400);
    expect(nested.json().error.details[0].path).toBe('body[1].hosts');
    const key = await admin.request('POST', '/api/systems/import', [{ 'na\u0000me': 'x' }]);
    expect(key.statusCode, key.body).toBe(400);
    expect(key.json().error.details[0].path).toBe('body[0]."na\\u0000me"');
  });

  it('refuses a NUL in a query string and in a path parameter with 400', async () => {
    const query = await admin.request('POST', '/api/soc/intel?source=feed%00x', Buffer.from('198.51.100.7\n'));
    expect(query.statusCode, query.body).toBe(400);
    expect(query.json().error.message).toContain('query.source');
    const param = await admin.request('DELETE', '/api/soc/intel/feed%00x');
    expect(param.statusCode, param.body).toBe(400);
    expect(param.json().error.message).toContain('params.source');
  });

  it('skips a scan CSV row with a NUL in a cell, naming row and column, and keeps the others', async () => {
    const res = await admin.request('POST', '/api/vulnerabilities/scans?fileName=nul.csv', Buffer.from(SCAN_CSV));
    expect(res.statusCode, res.body).toBe(201);
    const result = res.json();
    expect(result.hosts).toBe(2);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'bad-row', row: 2, line: 3, column: 9, dropped: 1 }),
    ]);
    expect(result.issues[0].message).toContain('"Plugin Output"');
  });

  it('refuses a scan XML with a NUL in an attribute: 400 with line and element, nothing imported', async () => {
    const before = await count(database, 'computers');
    const res = await admin.request(
      'POST',
      '/api/vulnerabilities/scans?fileName=nul.nessus',
      Buffer.from(NESSUS('Apache\u0000')),
    );
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.message).toMatch(/line 7, column \d+ inside <NessusClientData_v2\/Report\/ReportHost>.*U\+0000/);
    expect(error.details.fatal).toMatchObject({ line: 7, path: 'NessusClientData_v2/Report/ReportHost' });
    // The first host was read before the NUL: the import is one transaction, so it is not kept either.
    expect(await count(database, 'computers')).toBe(before);
    // The same report without the NUL imports both hosts.
    const clean = await admin.request(
      'POST',
      '/api/vulnerabilities/scans?fileName=ok.nessus',
      Buffer.from(NESSUS('Apache')),
    );
    expect(clean.statusCode, clean.body).toBe(201);
    expect(clean.json().hosts).toBe(2);
  });
});
