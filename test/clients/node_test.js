// flakeid IDs through a real JavaScript client (node-postgres, `pg` from npm).
//
// Connects to FLAKEID_TEST_DSN (a postgresql:// URI; PG* variables fill in what it leaves
// out), whose database has flakeid installed with the twitter layout, and shows what a
// JavaScript application must know about 64-bit IDs:
//   - pg's default for bigint (int8) is a string: the ID arrives intact;
//   - BigInt is intact too, and goes back to the server as a parameter unchanged;
//   - a Number (what JSON.parse or a parser set to Number gives) is exact only up to
//     2^53 - 1: a twitter-layout ID is far above, loses its last digits, and neighbouring
//     IDs become the same Number;
//   - json_build_object('id', id::text) keeps it exactly;
//   - `minimal` layout IDs (timestamp << 10) stay below 2^53 until 2^43 ms after the
//     epoch: 278.7 years, until 2298-09-26 15:10:22.207 UTC with the default epoch.
// Prints one line per check and exits 1 on the first failure.
'use strict';

const { Client, types } = require('pg');

const INT8_OID = 20;
const TWO_53 = 2n ** 53n;
const EPOCH_MS = 1577836800000; // 2020-01-01T00:00:00Z, flakeid's default epoch
let checks = 0;

// Counts and prints a passed check, or prints the failure and exits 1.
function check(condition, what) {
  if (!condition) {
    console.log(`FAIL: ${what}`);
    process.exit(1);
  }
  checks += 1;
  console.log(`ok: ${what}`);
}

// A `types` option for one query: int8 parsed by `parse`, every other type as pg does.
function int8As(parse) {
  return {
    getTypeParser: (oid, format) => (oid === INT8_OID ? parse : types.getTypeParser(oid, format)),
  };
}

async function main() {
  const client = new Client({ connectionString: process.env.FLAKEID_TEST_DSN });
  await client.connect();
  const q = (text, values, types) => client.query({ text, values, types });
  const pgVersion = require('pg/package.json').version;
  console.log(`node ${process.version}, pg ${pgVersion}`);

  const layout = (await q('SELECT layout FROM flakeid_capacity()')).rows[0].layout;
  check(layout === 'twitter', 'the database uses the twitter layout');

  await q('CREATE TABLE js_events (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text)');

  // pg's default: int8 as a string, exactly the server's text rendering.
  const inserted = await q("INSERT INTO js_events (note) VALUES ('one') RETURNING id, id::text AS text");
  const { id, text } = inserted.rows[0];
  check(typeof id === 'string' && id === text,
    `default int8 parser: RETURNING id is the string ${id}, equal to id::text`);
  check(BigInt(id) > TWO_53, `a twitter-layout ID is above 2^53 (${id} > ${TWO_53})`);

  // BigInt: exact, and back to the server as a parameter unchanged.
  const big = (await q('SELECT id FROM js_events WHERE note = $1', ['one'],
    int8As(BigInt))).rows[0].id;
  check(typeof big === 'bigint' && big.toString() === text,
    `int8 parsed as BigInt keeps it: ${big}n`);
  const found = await q('SELECT note FROM js_events WHERE id = $1', [big]);
  check(found.rows.length === 1 && found.rows[0].note === 'one',
    'the BigInt as a query parameter finds its row');

  // Number: the same ID read as a JavaScript number is not a safe integer, and what it
  // prints (and sends back) is another number. (An ID that happens to be a multiple of
  // 128 is a double exactly, but still prints rounded.)
  const num = (await q('SELECT id FROM js_events WHERE note = $1', ['one'],
    int8As(Number))).rows[0].id;
  check(typeof num === 'number' && !Number.isSafeInteger(num),
    `int8 parsed as Number: ${num} is not a safe integer (> Number.MAX_SAFE_INTEGER)`);
  const byNumber = await q('SELECT count(*)::int AS n FROM js_events WHERE id = $1', [num]);
  console.log(`   the ID ${text} as a Number prints ${num}; sent back as a parameter ` +
    `it finds ${byNumber.rows[0].n} row(s)`);

  // 2000 rows through the DEFAULT, read three ways.
  await q("INSERT INTO js_events (note) SELECT 'row ' || n FROM generate_series(1, 2000) n");
  const rows = "FROM js_events WHERE note LIKE 'row %'";
  const asString = (await q(`SELECT id ${rows} ORDER BY id`)).rows.map((r) => r.id);
  const asNumber = (await q(`SELECT id ${rows} ORDER BY id`, [], int8As(Number))).rows
    .map((r) => r.id);
  const asBigInt = (await q(`SELECT id ${rows} ORDER BY id`, [], int8As(BigInt))).rows
    .map((r) => r.id);
  check(asString.length === 2000 && new Set(asString).size === 2000,
    '2000 rows inserted through DEFAULT flakeid_next(), 2000 distinct ID strings');
  check(asBigInt.every((b, i) => b.toString() === asString[i]),
    'as BigInt, all 2000 IDs equal their strings');
  const changed = asNumber.filter((n, i) => BigInt(n) !== BigInt(asString[i])).length;
  const distinctNumbers = new Set(asNumber).size;
  console.log(`   as Numbers: ${changed} of 2000 IDs changed value, ` +
    `and the 2000 distinct IDs became ${distinctNumbers} distinct Numbers`);
  check(changed > 0, `reading IDs as Number silently changes them (${changed} of 2000)`);
  check(distinctNumbers < 2000, `distinct IDs collide as Numbers (2000 -> ${distinctNumbers})`);

  // JSON: a bigint in JSON is a JSON number, and JSON.parse makes it a Number; as text
  // it stays exact.
  const docs = (await q(
    `SELECT json_agg(json_build_object('id', id, 'id_text', id::text) ORDER BY id) AS docs ${rows}`
  )).rows[0].docs;
  const jsonChanged = docs.filter((d, i) => String(d.id) !== asString[i]).length;
  check(docs.length === 2000 && jsonChanged > 0,
    `json_build_object('id', id): JSON.parse changes ${jsonChanged} of 2000 IDs ` +
    `(e.g. ${asString[0]} -> ${docs[0].id})`);
  check(docs.every((d, i) => d.id_text === asString[i]),
    "json_build_object('id', id::text) keeps all 2000 IDs exactly");

  // minimal layout: IDs are timestamp << 10, safe integers while timestamp < 2^43 ms.
  await q("SET flakeid.layout = 'minimal'");
  const minimal = (await q('SELECT flakeid_next() AS id')).rows[0].id;
  const minimalNumber = Number(minimal);
  check(Number.isSafeInteger(minimalNumber) && String(minimalNumber) === minimal,
    `a minimal-layout ID today is a safe integer: ${minimal}`);
  const limitMs = 2 ** 43; // (2^53 - 1) >> 10 = 2^43 - 1: the last safe timestamp
  const years = limitMs / (365.25 * 86400000);
  const lastSafe = new Date(EPOCH_MS + limitMs - 1).toISOString();
  const server = (await q(
    "SELECT to_char(generated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at " +
    "FROM flakeid_decode(9007199254740991, 'minimal')")).rows[0].at;
  console.log(`   minimal IDs stay below 2^53 for 2^43 ms = ${years.toFixed(1)} years: ` +
    `the last safe ID, 2^53 - 1, was made at ${lastSafe}`);
  check(server === lastSafe,
    `the server decodes 2^53 - 1 (minimal) to the same moment: ${server}`);
  check(Math.abs(years - 278.7) < 0.05, '2^43 ms is 278.7 years');

  await q('DROP TABLE js_events');
  await client.end();
  console.log(`node-postgres client: ${checks} passed, 0 failed`);
}

main().catch((err) => {
  console.log(`FAIL: ${err.stack || err}`);
  process.exit(1);
});
