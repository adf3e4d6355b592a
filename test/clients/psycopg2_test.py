#!/usr/bin/python3
"""flakeid IDs through a real Python client (Debian's python3-psycopg2).

Connects to FLAKEID_TEST_DSN (a libpq connection string or URI; libpq's PG* variables
fill in what it leaves out), whose database has flakeid installed and the twitter layout,
and whose server has node ids FLAKEID_TEST_DATACENTER / FLAKEID_TEST_MACHINE. Inserts
rows through DEFAULT flakeid_next() and checks that every ID comes back to Python intact:
a Python int is exact at any size, so it must equal the server's own text rendering, go
back to the server as a parameter unchanged, and decode on the client exactly as
flakeid_decode() does on the server. Prints one line per check and exits 1 on the first
failure.

Run it with /usr/bin/python3: Debian's python3-psycopg2 is installed for that one.
"""

import os
import sys

import psycopg2

TWO_53 = 2**53
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
    dsn = os.environ.get("FLAKEID_TEST_DSN", "")
    datacenter = int(os.environ.get("FLAKEID_TEST_DATACENTER", "0"))
    machine = int(os.environ.get("FLAKEID_TEST_MACHINE", "0"))

    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    print(f"psycopg2 {psycopg2.__version__.split()[0]}, server {conn.server_version}")

    cur.execute("SELECT layout FROM flakeid_capacity()")
    check(cur.fetchone()[0] == "twitter", "the database uses the twitter layout")

    cur.execute(
        "CREATE TABLE py_events (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text)"
    )

    # One row through the DEFAULT: the ID RETURNING gives is a Python int, above 2^53,
    # equal to the server's text rendering of the stored value.
    cur.execute("INSERT INTO py_events (note) VALUES ('one') RETURNING id")
    (new_id,) = cur.fetchone()
    check(type(new_id) is int, f"RETURNING id is a Python int: {new_id}")
    check(new_id > TWO_53, f"a twitter-layout ID is above 2^53 ({new_id} > {TWO_53})")
    cur.execute("SELECT id, id::text FROM py_events WHERE note = 'one'")
    stored, text = cur.fetchone()
    check(stored == new_id and str(new_id) == text,
          f"the ID read back equals the server's id::text: {text}")

    # The int goes back as a parameter unchanged.
    cur.execute("SELECT note FROM py_events WHERE id = %s", (new_id,))
    check(cur.fetchone() == ("one",), "the ID as a query parameter finds its row")

    # Many rows: executemany through the DEFAULT, then all of them read back.
    cur.executemany("INSERT INTO py_events (note) VALUES (%s)",
                    [(f"row {n}",) for n in range(500)])
    cur.execute("SELECT id, id::text AS text FROM py_events ORDER BY id")
    rows = cur.fetchall()
    check(len(rows) == 501, "501 rows inserted through DEFAULT flakeid_next()")
    check(all(str(i) == t for i, t in rows),
          "every ID read as int equals its id::text")
    check(len({i for i, _ in rows}) == 501, "all 501 IDs are distinct")

    # Client-side decode with the twitter layout (41,5,5,12) agrees with the server's.
    cur.execute("""
        SELECT d.timestamp_ms, d.datacenter_id, d.machine_id, d.sequence
        FROM flakeid_decode(%s) d""", (new_id,))
    server = cur.fetchone()
    epoch_ms = 1577836800000
    client = ((new_id >> 22) + epoch_ms, (new_id >> 17) & 31, (new_id >> 12) & 31,
              new_id & 4095)
    check(client == server, f"decoded in Python as on the server: {client}")
    check((server[1], server[2]) == (datacenter, machine),
          f"the ID carries datacenter {datacenter}, machine {machine}")

    # A batch from flakeid_next_ids: ints, strictly increasing, intact.
    cur.execute("SELECT id, id::text FROM flakeid_next_ids(1000) id")
    batch = cur.fetchall()
    ids = [i for i, _ in batch]
    check(all(str(i) == t for i, t in batch) and
          all(a < b for a, b in zip(ids, ids[1:])),
          "1000 IDs of flakeid_next_ids arrive intact and strictly increasing")

    # JSON: psycopg2 parses json with Python's json module, whose ints are exact too.
    cur.execute("SELECT json_build_object('id', %s::bigint, 'id_text', %s::bigint::text)",
                (new_id, new_id))
    doc = cur.fetchone()[0]
    check(doc["id"] == new_id and doc["id_text"] == str(new_id),
          "json_build_object keeps the ID exact in Python, as number and as text")

    cur.execute("DROP TABLE py_events")
    conn.close()
    print(f"psycopg2 client: {checks} passed, 0 failed")


if __name__ == "__main__":
    main()
