#!/usr/bin/python3
"""A flakeid-typed key through psycopg 3's binary mode (Debian's python3-psycopg).

Connects to FLAKEID_TEST_DSN, whose database has flakeid installed with the twitter layout
and a table json_orders (id flakeid PRIMARY KEY DEFAULT flakeid_next(), note text) of
keys. The type must not break a driver the way pgx_ulid's ulid did (no binary I/O): a
binary result, a binary parameter and a binary COPY in both directions must carry the key
unchanged. Without a loader psycopg hands an unknown type's binary value over as bytes:
they must be bigint's 8 big-endian bytes. With bigint's loaders registered for flakeid
(what an application does once), the key is a Python int. Prints one line per check and
exits 1 on the first failure.

Run it with /usr/bin/python3: Debian's python3-psycopg is installed for that one.
"""

import os
import sys

import psycopg
from psycopg.types import TypeInfo
from psycopg.types.numeric import Int8BinaryLoader, IntLoader

checks = 0


def check(condition, what):
    """Counts and prints a passed check, or prints the failure and exits 1."""
    global checks
    if not condition:
        print(f"FAIL: {what}")
        sys.exit(1)
    checks += 1
    print(f"ok: {what}")


def main():
    conn = psycopg.connect(os.environ.get("FLAKEID_TEST_DSN", ""), autocommit=True)
    print(f"psycopg {psycopg.__version__}, server {conn.info.server_version}")

    # The server's own text of every key: the truth the binary forms are held to.
    truth = [int(t) for (t,) in conn.execute("SELECT id::text FROM json_orders ORDER BY id")]
    check(len(truth) >= 1000 and truth[0] > 2**53, f"{len(truth)} keys, above 2^53")

    # 1. A binary result without a loader: bytes, bigint's 8 big-endian bytes.
    cur = conn.cursor(binary=True)
    cur.execute("SELECT id, id::bigint AS as_bigint FROM json_orders ORDER BY 1")
    rows = cur.fetchall()
    raw_ok = all(
        isinstance(raw, bytes) and len(raw) == 8
        and int.from_bytes(raw, "big", signed=True) == key == as_bigint
        for (raw, as_bigint), key in zip(rows, truth)
    )
    check(raw_ok and len(rows) == len(truth),
          "binary mode, no loader: each key is bigint's 8 bytes, equal to id::text")

    # 2. bigint's loaders registered for flakeid: an int, in binary and in text mode.
    info = TypeInfo.fetch(conn, "flakeid")
    check(info is not None, f"TypeInfo.fetch finds flakeid (oid {info.oid})")
    info.register(conn)
    conn.adapters.register_loader(info.oid, Int8BinaryLoader)
    conn.adapters.register_loader(info.oid, IntLoader)
    for binary in (True, False):
        cur = conn.cursor(binary=binary)
        cur.execute("SELECT id FROM json_orders ORDER BY id")
        keys = [k for (k,) in cur.fetchall()]
        check(keys == truth and all(type(k) is int for k in keys),
              f"{'binary' if binary else 'text'} mode with bigint's loader: "
              f"{len(keys)} ints equal to id::text")

    # 3. A binary parameter (psycopg sends an int8) into a flakeid column and a comparison,
    # and the key RETURNING gives back in binary.
    cur = conn.cursor(binary=True)
    key = truth[-1] + 1
    cur.execute("INSERT INTO json_orders (id, note) VALUES (%b, %b) RETURNING id",
                (key, "from psycopg"))
    check(cur.fetchone()[0] == key, f"binary parameter stored and returned: {key}")
    cur.execute("SELECT note FROM json_orders WHERE id = %b", (key,))
    check(cur.fetchone()[0] == "from psycopg", "WHERE id = %b finds it")
    cur.execute("INSERT INTO json_orders (note) VALUES ('default') RETURNING id, id::text")
    made, made_text = cur.fetchone()
    check(made == int(made_text) and made > key,
          f"DEFAULT flakeid_next(), RETURNING id in binary: {made}")

    # 4. Binary COPY through the driver, both ways.
    cur.execute("CREATE TEMP TABLE copied (id flakeid PRIMARY KEY, note text)")
    with cur.copy("COPY json_orders (id, note) TO STDOUT (FORMAT BINARY)") as copy:
        copy.set_types(["flakeid", "text"])
        out_rows = list(copy.rows())
    check(sorted(k for k, _ in out_rows) == sorted(truth + [key, made]),
          f"COPY TO STDOUT (FORMAT BINARY): {len(out_rows)} keys as ints")
    with cur.copy("COPY copied (id, note) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "text"])
        for row in out_rows:
            copy.write_row(row)
    cur.execute("SELECT count(*) FROM copied c JOIN json_orders o USING (id, note)")
    check(cur.fetchone()[0] == len(out_rows),
          f"COPY FROM STDIN (FORMAT BINARY) of int8 values: {len(out_rows)} rows equal")
    cur.execute("DELETE FROM json_orders WHERE id IN (%b, %b)", (key, made))

    print(f"psycopg client: {checks} passed, 0 failed")


if __name__ == "__main__":
    main()
