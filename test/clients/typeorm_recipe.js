// The TypeORM recipe of docs/orm-recipes.md, run against a real server.
//
// TypeORM (npm) over node-postgres. Connects with PGHOST, PGPORT, PGDATABASE and PGUSER,
// whose database has flakeid installed and the twitter layout. FLAKEID_TEST_OUT is a
// directory: the JSON of the entities (JSON.stringify) goes there, for orm_json_check.js
// to read with JSON.parse. FLAKEID_TEST_KEY_TYPE is the SQL type of the key column
// (bigint by default).
//
// The recipe: the key column is `type: 'bigint', primary: true, default: () =>
// 'flakeid_next()'`, made by a migration; TypeORM inserts DEFAULT for it and reads it back
// with RETURNING.
// node-postgres gives a bigint as a string, so the entity holds the key exactly and
// JSON.stringify writes a string. The option `parseInt8: true` (a common answer to "my ids
// are strings") makes it a Number: rounded above 2^53, in every pool of the process.
// Prints one line per check and exits 1 on the first failure.
'use strict';

const { DataSource, EntitySchema } = require('typeorm');
const { check, write, done, versionOf, KEY_TYPE, keyColumnSql } = require('./recipe_util');

const ROWS = 1000;

// ---- the recipe (docs/orm-recipes.md, "TypeORM") ----
const Order = new EntitySchema({
  name: 'Order',
  tableName: 'typeorm_orders',
  columns: {
    // A string in the entity: node-postgres's default for bigint, exact. On a column of
    // the flakeid type (which TypeORM does not know) the entity still says bigint.
    id: { type: 'bigint', primary: true, default: () => 'flakeid_next()' },
    n: { type: 'int' },
    note: { type: 'text' },
  },
});

// The migration that makes the table (TypeORM's synchronize would make a bigint key too,
// but would turn a flakeid column back into bigint).
class CreateOrders1765000000000 {
  async up(queryRunner) {
    await queryRunner.query(`CREATE TABLE typeorm_orders (
      id ${KEY_TYPE} PRIMARY KEY DEFAULT flakeid_next(),
      n integer NOT NULL,
      note text NOT NULL)`);
  }

  async down(queryRunner) {
    await queryRunner.query('DROP TABLE typeorm_orders');
  }
}

// A DataSource on the test server; `options` are added to TypeORM's postgres options.
function dataSource(options) {
  // host, port, database, user left out: node-postgres takes them from PG* variables.
  return new DataSource({
    type: 'postgres', entities: [Order], migrations: [CreateOrders1765000000000], ...options,
  });
}

async function main() {
  const db = dataSource({ migrationsRun: true });
  await db.initialize();
  console.log(`TypeORM ${versionOf('typeorm')}, pg ${versionOf('pg')}, node ${process.version}, key column ${KEY_TYPE}`);
  const [column] = await db.query(keyColumnSql('$1'), ['typeorm_orders']);
  check(column.type === KEY_TYPE && column.default === 'flakeid_next()',
    `the migration made the key column ${column.type} DEFAULT ${column.default}`);
  const orders = db.getRepository(Order);
  const serverKey = async (n) =>
    (await db.query('SELECT id::text FROM typeorm_orders WHERE n = $1', [n]))[0].id;

  // One row: save() inserts DEFAULT for the key and reads it back (RETURNING).
  const one = await orders.save({ n: 0, note: 'one' });
  check(typeof one.id === 'string' && one.id === await serverKey(0),
    `save() returns the key the server made, as a string: ${one.id}`);
  const again = await orders.findOneBy({ id: one.id });
  check(again !== null && again.n === 0, 'findOneBy({ id: key }) reads the row back by that key');

  // 1000 rows in one INSERT: insert() reads every key back (RETURNING).
  const rows = Array.from({ length: ROWS }, (_, i) => ({ n: i + 1, note: `row ${i + 1}` }));
  const result = await orders.insert(rows);
  const byN = new Map((await db.query('SELECT n, id::text FROM typeorm_orders WHERE n > 0'))
    .map((r) => [r.n, r.id]));
  const same = result.identifiers.filter((key, i) => key.id === byN.get(rows[i].n)).length;
  check(same === ROWS, `insert() of ${ROWS} rows in one INSERT returns each row's key exactly`);
  const keys = [...byN.values()].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  check(new Set(keys).size === ROWS && keys[ROWS - 1] - keys[0] < 1000n << 22n,
    'the keys are distinct and made within a second (neighbours differ in low bits)');

  const all = await orders.find({ order: { n: 'ASC' } });
  write('typeorm-fixed.json', JSON.stringify(all));
  await db.destroy();

  // parseInt8: true, for comparison: the same rows with the key as a Number.
  const lossy = dataSource({ parseInt8: true });
  await lossy.initialize();
  const numbers = await lossy.getRepository(Order).find({ order: { n: 'ASC' } });
  if (KEY_TYPE === 'bigint') {
    check(typeof numbers[0].id === 'number',
      `with parseInt8: true the entity holds a Number: ${numbers[0].id}`);
  } else {
    check(typeof numbers[0].id === 'string',
      `parseInt8: true is for bigint: on ${KEY_TYPE} the entity still holds a string`);
  }
  write('typeorm-parseint8.json', JSON.stringify(numbers));
  await lossy.destroy();
  done('typeorm');
}

main().catch((err) => {
  console.log(`FAIL: ${err.stack}`);
  process.exit(1);
});
