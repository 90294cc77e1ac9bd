// What a NOTIFY costs a committing transaction, on the database the PostgreSQL scenarios use:
//   IRONFLOW_TEST_DATABASE_URL=postgres://… node bench/src/notify-cost.js [seconds per case]
//
// Method: 16 connections, each committing one-row INSERTs into a scratch table (in a schema of its
// own, dropped after) as fast as it can for the given time, in five cases taken in turn, twice:
// no NOTIFY; a NOTIFY with a distinct payload per commit (what ironflow's append did before:
// the new head seq); a NOTIFY with an empty payload (a wake-up, what it does now); and the two
// last again with a one-row head table updated in the same statement, as ironflow's append does. One more
// connection LISTENs throughout, as every instance does. Reported: commits/s per case (median of
// the two passes). PostgreSQL takes a cluster-wide lock at commit for a notifying transaction,
// so notifying commits queue for each other; ironflow's appends already queue on the log's head
// row, and now share one commit between concurrent appends (group commit), so they notify once
// per shared commit.
import pg from 'pg';

const seconds = Number(process.argv[2] ?? 5);
const url = process.env.IRONFLOW_TEST_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('set IRONFLOW_TEST_DATABASE_URL or DATABASE_URL\n');
  process.exit(2);
}
const schema = `ironflow_notify_cost_${process.pid}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
await admin.query(`CREATE TABLE ${schema}.rows (id bigserial PRIMARY KEY, body text NOT NULL)`);
await admin.query(`CREATE TABLE ${schema}.head (seq bigint NOT NULL)`);
await admin.query(`INSERT INTO ${schema}.head VALUES (0)`);
const listener = new pg.Client({ connectionString: url });
await listener.connect();
await listener.query(`LISTEN "${schema}"`);
let notified = 0;
listener.on('notification', () => {
  notified += 1;
});
const clients = await Promise.all(
  Array.from({ length: 16 }, async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  }),
);
const BODY = 'x'.repeat(300);
const CASES = {
  'no NOTIFY': `INSERT INTO ${schema}.rows (body) VALUES ($1)`,
  'NOTIFY, payload per commit': `WITH i AS (INSERT INTO ${schema}.rows (body) VALUES ($1) RETURNING id)
    SELECT pg_notify('${schema}', id::text) FROM i`,
  'NOTIFY, wake-up only': `WITH i AS (INSERT INTO ${schema}.rows (body) VALUES ($1) RETURNING id)
    SELECT pg_notify('${schema}', '') FROM i`,
  // As ironflow's append: the head row's lock already makes the commits take turns.
  'head row, no NOTIFY': `WITH h AS (UPDATE ${schema}.head SET seq = seq + 1 RETURNING seq)
    INSERT INTO ${schema}.rows (id, body) SELECT h.seq + 1000000000, $1 FROM h`,
  'head row, NOTIFY wake-up': `WITH h AS (UPDATE ${schema}.head SET seq = seq + 1 RETURNING seq),
    i AS (INSERT INTO ${schema}.rows (id, body) SELECT h.seq + 1000000000, $1 FROM h)
    SELECT pg_notify('${schema}', '') FROM h`,
};
const results = Object.fromEntries(Object.keys(CASES).map((name) => [name, []]));
try {
  for (let pass = 0; pass < 2; pass++) {
    for (const [name, sql] of Object.entries(CASES)) {
      const until = Date.now() + seconds * 1000;
      const counts = await Promise.all(
        clients.map(async (client) => {
          let n = 0;
          while (Date.now() < until) {
            await client.query(sql, [BODY]);
            n += 1;
          }
          return n;
        }),
      );
      results[name].push(counts.reduce((a, b) => a + b, 0) / seconds);
    }
  }
} finally {
  for (const client of clients) await client.end();
  await listener.end();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [name, values] of Object.entries(results)) {
  process.stdout.write(
    `${name.padEnd(28)} ${Math.round(median(values)).toLocaleString('en-US').padStart(8)} commits/s  (passes: ${values.map((v) => Math.round(v)).join(', ')})\n`,
  );
}
process.stdout.write(`notifications received by the listener: ${notified}\n`);
