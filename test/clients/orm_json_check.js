// Reads what an ORM's JSON serializer wrote, as a JavaScript client would: JSON.parse.
//
//   node orm_json_check.js KEYS PAYLOAD...
//
// KEYS is the database's own answer, {"n": "id::text", ...}, made by the server with
// json_object_agg(n, id::text): every key a JSON string, so nothing on the way can round
// it. Each PAYLOAD is the bytes an ORM's serializer produced for the same rows: an array of
// objects with the key in `id` (or `pk`, as Django's serializers write it) and the row
// number in `n` (or `fields.n`). For each payload it prints one line:
//   exact: FILE: all N keys equal the database's id::text (S of them JSON strings)
//   lost: FILE: K of N keys are missing or differ from the database's id::text after JSON.parse; the
//         payload has R of the N rows, with D distinct keys
// and exits 1 when a file cannot be read as such a payload (after trying the others).
'use strict';

const fs = require('fs');

// The row number and the key of one serialized row, or throws when the row has neither.
function rowOf(row, file) {
  const key = row.id !== undefined ? row.id : row.pk;
  const n = row.n !== undefined ? row.n : row.fields && row.fields.n;
  if (key === undefined || n === undefined) {
    throw new Error(`${file}: a row without a key or a row number: ${JSON.stringify(row)}`);
  }
  return { n: String(n), key };
}

// Prints how many of a payload's keys JSON.parse kept exactly. A row missing from the
// payload counts as a key lost (TypeORM merges rows whose keys became the same Number).
function checkPayload(file, expected) {
  const rows = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(rows)) throw new Error(`${file}: not a JSON array`);
  const total = Object.keys(expected).length;
  let exact = 0;
  let strings = 0;
  const seen = new Set();
  const distinct = new Set();
  for (const row of rows) {
    const { n, key } = rowOf(row, file);
    if (!(n in expected) || seen.has(n)) throw new Error(`${file}: row number ${n} is not in the table or twice in the payload`);
    seen.add(n);
    // A number prints as its shortest decimal: for an ID above 2^53 that is another ID.
    const text = String(key);
    distinct.add(text);
    if (text === expected[n]) exact += 1;
    if (typeof key === 'string') strings += 1;
  }
  if (exact === total) {
    console.log(`exact: ${file}: all ${total} keys equal the database's id::text ` +
      `(${strings} of them JSON strings)`);
  } else {
    console.log(`lost: ${file}: ${total - exact} of ${total} keys are missing or differ from the database's ` +
      `id::text after JSON.parse; the payload has ${rows.length} of the ${total} rows, ` +
      `with ${distinct.size} distinct keys`);
  }
}

const [keysFile, ...payloads] = process.argv.slice(2);
const expected = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
let failed = false;
for (const file of payloads) {
  try {
    checkPayload(file, expected);
  } catch (err) {
    console.log(`FAIL: ${err.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
