// Keys through PostgreSQL's JSON functions into JavaScript (issue 24's acceptance test).
//
// Connects to FLAKEID_TEST_DSN, whose database has flakeid installed with the twitter
// layout, and the tables json_keys_bigint and json_keys_flakeid: the same 10 000 keys, made
// by one INSERT within a few milliseconds (neighbours differ only in their last bits), in a
// bigint column and in a flakeid column. For each table it builds the JSON an API would
// (json_agg over the rows, row_to_json per row), parses it with JSON.parse, and compares
// every key with the server's own id::text:
//   - changed: the parsed key is not the key (compared as BigInt, so nothing rounds);
//   - collided: keys that share their parsed value with another key.
// node-postgres parses json columns with JSON.parse itself; the row_to_json text is parsed
// here by JSON.parse directly. Prints one line per figure, then `result TABLE: ...` lines
// for the TAP test (test/t/100_json_keys_node.pl) to check.
'use strict';

const { Client } = require('pg');

// Counts changed and collided keys: `parsed` values against the exact `truth` strings.
function loss(parsed, truth) {
  let changed = 0;
  const seen = new Map();
  parsed.forEach((value, i) => {
    if (BigInt(value) !== BigInt(truth[i])) changed += 1;
    const key = String(value);
    seen.set(key, (seen.get(key) || 0) + 1);
  });
  let collided = 0;
  for (const n of seen.values()) if (n > 1) collided += n;
  return { changed, collided, distinct: seen.size, type: typeof parsed[0] };
}

async function main() {
  const client = new Client({ connectionString: process.env.FLAKEID_TEST_DSN });
  await client.connect();
  console.log(`node ${process.version}, pg ${require('pg/package.json').version}`);
  for (const table of ['json_keys_bigint', 'json_keys_flakeid']) {
    const type = (await client.query(
      `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute
        WHERE attrelid = '${table}'::regclass AND attname = 'id'`)).rows[0].t;
    // The truth: node-postgres reads a top-level bigint as a string; id::text for both.
    const truth = (await client.query(`SELECT id::text AS id FROM ${table} ORDER BY id`))
      .rows.map((r) => r.id);
    const span = (await client.query(
      `SELECT max(d.timestamp_ms) - min(d.timestamp_ms) AS ms
         FROM ${table} AS t, flakeid_decode(t.id) AS d`)).rows[0].ms;
    console.log(`${table}: ${truth.length} keys of type ${type}, made within ${span} ms`);

    // The column itself, as a result column: node-postgres's default for int8 and for a
    // type it does not know is the text, a string.
    const top = (await client.query(`SELECT id FROM ${table} ORDER BY id`)).rows.map((r) => r.id);
    const t = loss(top, truth);
    console.log(`  the column read directly: id is a ${t.type}; ${t.changed} keys changed`);

    // json_agg: node-postgres hands the json column to JSON.parse.
    const agg = (await client.query(
      `SELECT json_agg(t ORDER BY t.id) AS doc FROM ${table} AS t`)).rows[0].doc;
    const a = loss(agg.map((row) => row.id), truth);
    console.log(`  json_agg + JSON.parse: id is a ${a.type}; ${a.changed} of ${truth.length} ` +
      `keys changed, ${a.collided} collided (${a.distinct} distinct values left)`);

    // row_to_json, one document per row, as text, through JSON.parse.
    const rows = (await client.query(
      `SELECT row_to_json(t)::text AS doc FROM ${table} AS t ORDER BY t.id`)).rows;
    const r = loss(rows.map((row) => JSON.parse(row.doc).id), truth);
    console.log(`  row_to_json + JSON.parse: id is a ${r.type}; ${r.changed} of ` +
      `${truth.length} keys changed, ${r.collided} collided (${r.distinct} distinct values left)`);

    console.log(`result ${table}: type=${type} keys=${truth.length} span_ms=${span} ` +
      `top_type=${t.type} top_changed=${t.changed} ` +
      `agg_changed=${a.changed} agg_collided=${a.collided} agg_type=${a.type} ` +
      `row_changed=${r.changed} row_collided=${r.collided} row_type=${r.type}`);
  }
  await client.end();
}

main().catch((err) => {
  console.log(`FAIL: ${err.stack || err}`);
  process.exit(1);
});
