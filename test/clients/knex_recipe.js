// The Knex recipe of docs/orm-recipes.md, run against a real server.
//
// Knex (npm) over node-postgres. Connects with PGHOST, PGPORT, PGDATABASE and PGUSER,
// whose database has flakeid installed and the twitter layout. FLAKEID_TEST_OUT is a
// directory: the JSON of the rows (JSON.stringify) goes there, for orm_json_check.js to
// read with JSON.parse. FLAKEID_TEST_KEY_TYPE is the SQL type of the key column (bigint by
// default).
//
// The recipe: the migration makes the key `bigInteger('id').primary().defaultTo(
// knex.raw('flakeid_next()'))`; insert(...).returning('id') reads it back. node-postgres
// gives a bigint as a string: exact, and JSON.stringify writes a string. Two other int8
// parsers, set per connection here: Number (what `types.setTypeParser(20, parseInt)`, a
// common answer, gives) rounds above 2^53; BigInt is exact, but JSON.stringify throws on
// it unless a replacer writes it as a string. Prints one line per check and exits 1 on
// the first failure.
'use strict';

const Knex = require('knex');
const { check, write, done, versionOf, KEY_TYPE, keyColumnSql } = require('./recipe_util');

const ROWS = 1000;
const INT8_OID = 20;

// A Knex on the test server whose connections parse int8 with `parse` (pg's default, a
// string, when it is not given).
function knexWith(parse) {
  // host, port, database, user left out: node-postgres takes them from PG* variables.
  const connection = {};
  if (parse) {
    const { types } = require('pg');
    connection.types = {
      getTypeParser: (oid, format) => (oid === INT8_OID ? parse : types.getTypeParser(oid, format)),
    };
  }
  return Knex({ client: 'pg', connection, pool: { min: 0, max: 1 } });
}

// ---- the recipe (docs/orm-recipes.md, "Knex") ----
// The migration: the key made by the database.
async function up(knex) {
  await knex.schema.createTable('knex_orders', (table) => {
    table.specificType('id', KEY_TYPE).primary().defaultTo(knex.raw('flakeid_next()'));
    table.integer('n').notNullable();
    table.text('note');
  });
}

// JSON.stringify for rows whose keys are BigInt: each BigInt as its decimal string.
function stringifyBigInt(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

async function main() {
  const knex = knexWith(null);
  console.log(`Knex ${versionOf('knex')}, pg ${versionOf('pg')}, node ${process.version}, ` +
    `key column ${KEY_TYPE}`);
  await up(knex);
  const column = (await knex.raw(keyColumnSql('?'), ['knex_orders'])).rows[0];
  check(column.type === KEY_TYPE && column.default === 'flakeid_next()',
    `the migration made the key column ${column.type} DEFAULT ${column.default}`);
  const serverKey = async (n) =>
    (await knex('knex_orders').where({ n }).first(knex.raw('id::text AS id'))).id;

  // One row: insert leaves the key out and returning('id') reads it back.
  const [one] = await knex('knex_orders').insert({ n: 0, note: 'one' }).returning('id');
  check(typeof one.id === 'string' && one.id === await serverKey(0),
    `insert(...).returning('id') returns the key the server made, as a string: ${one.id}`);
  const again = await knex('knex_orders').where({ id: one.id }).first();
  check(again && again.n === 0, "where({ id: key }).first() reads the row back by that key");

  // 1000 rows in one INSERT, every key read back.
  const rows = Array.from({ length: ROWS }, (_, i) => ({ n: i + 1, note: `row ${i + 1}` }));
  const returned = await knex('knex_orders').insert(rows).returning(['id', 'n']);
  const byN = new Map((await knex('knex_orders').where('n', '>', 0)
    .select('n', knex.raw('id::text AS id'))).map((r) => [r.n, r.id]));
  const same = returned.filter((r) => r.id === byN.get(r.n)).length;
  check(same === ROWS,
    `insert(${ROWS} rows).returning(['id', 'n']) in one INSERT returns each row's key exactly`);
  const keys = [...byN.values()].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  check(new Set(keys).size === ROWS && keys[ROWS - 1] - keys[0] < 1000n << 22n,
    'the keys are distinct and made within a second (neighbours differ in low bits)');

  write('knex-fixed.json', JSON.stringify(await knex('knex_orders').orderBy('n')));

  // int8 as BigInt: exact, but JSON.stringify refuses it; a replacer writes strings.
  const big = knexWith(BigInt);
  const bigRows = await big('knex_orders').orderBy('n');
  if (KEY_TYPE === 'bigint') {
    check(typeof bigRows[0].id === 'bigint' && bigRows[0].id.toString() === await serverKey(0),
      `int8 parsed as BigInt holds the key exactly: ${bigRows[0].id}n`);
    let thrown = null;
    try {
      JSON.stringify(bigRows);
    } catch (err) {
      thrown = err;
    }
    check(thrown instanceof TypeError,
      `JSON.stringify of a BigInt key throws: ${thrown && thrown.message}`);
  } else {
    check(typeof bigRows[0].id === 'string',
      `an int8 parser is for bigint: on ${KEY_TYPE} the row holds the string ${bigRows[0].id}`);
  }
  write('knex-bigint.json', stringifyBigInt(bigRows));
  await big.destroy();

  // int8 as Number, for comparison: rounded above 2^53.
  const lossy = knexWith(Number);
  const numbers = await lossy('knex_orders').orderBy('n');
  check(typeof numbers[0].id === (KEY_TYPE === 'bigint' ? 'number' : 'string'),
    `int8 parsed as Number: the row holds the ${typeof numbers[0].id} ${numbers[0].id}`);
  write('knex-number.json', JSON.stringify(numbers));
  await lossy.destroy();
  await knex.destroy();
  done('knex');
}

main().catch((err) => {
  console.log(`FAIL: ${err.stack}`);
  process.exit(1);
});
