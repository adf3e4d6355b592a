// What the Node recipes (typeorm_recipe.js, knex_recipe.js) share: counting checks,
// writing the JSON a recipe made for orm_json_check.js, and the database's own keys.
'use strict';

const fs = require('fs');
const path = require('path');

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

// Writes serializer output to FLAKEID_TEST_OUT/name.
function write(name, json) {
  const file = path.join(process.env.FLAKEID_TEST_OUT, name);
  fs.writeFileSync(file, json);
  console.log(`written: ${file}`);
}

// Prints the closing line of a recipe that passed every check.
function done(name) {
  console.log(`${name} recipe: ${checks} passed, 0 failed`);
}

// The version of an npm package, from the package.json beside its entry point (some, such
// as typeorm, do not export their package.json).
function versionOf(name) {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

// The SQL type of the key column the recipes make (bigint unless FLAKEID_TEST_KEY_TYPE).
const KEY_TYPE = process.env.FLAKEID_TEST_KEY_TYPE || 'bigint';

// The query that shows a table's key column, its type and its default; `param` is the
// driver's placeholder for the table's name ($1 for node-postgres, ? for Knex).
const keyColumnSql = (param) => `SELECT format_type(atttypid, atttypmod) AS type,
    pg_get_expr(adbin, adrelid) AS "default"
  FROM pg_attribute JOIN pg_attrdef ON (adrelid, adnum) = (attrelid, attnum)
  WHERE attrelid = ${param}::regclass AND attname = 'id'`;

module.exports = { check, write, done, versionOf, KEY_TYPE, keyColumnSql };
