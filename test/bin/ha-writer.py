#!/usr/bin/env python3
"""A client of a Patroni cluster that writes rows with DEFAULT flakeid_next() keys through
the current leader and records what it was told (test/t/090_patroni_failover.pl).

It asks each member's REST API (GET /primary: 200 on the leader) which member leads,
connects to that member's PostgreSQL, and inserts BATCH rows a statement (autocommit: each
statement is its own transaction), PAUSE seconds apart, until the stop file appears or
SECONDS have passed.
Every line of the log is one event, with the real time (seconds since the Unix epoch):

  ack  TIME MEMBER ID...          the commit was acknowledged: these keys are committed
  err  TIME MEMBER SQLSTATE TEXT  the server refused the statement (no key committed)
  lost TIME MEMBER TEXT           the connection broke; the statement's fate is unknown
  conn TIME MEMBER                connected to the member the REST API named the leader

The log is flushed after each line, so a client killed by the test leaves what it saw.
Usage: ha-writer.py DATABASE LOG STOPFILE SECONDS BATCH PAUSE NAME:RESTPORT:PGPORT...
"""
import json
import os
import sys
import time
import urllib.request

import psycopg2


def leader(members):
    """The member whose REST API says it is the leader, or None."""
    for name, rest, pg in members:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{rest}/primary", timeout=0.5) as r:
                if r.status == 200:
                    return name, pg
        except Exception:  # 503 (not the leader), refused, timed out: ask the next one
            pass
    return None


def main():
    database, log_path, stop_file, seconds, batch, pause = sys.argv[1:7]
    members = [m.split(":") for m in sys.argv[7:]]
    deadline = time.time() + float(seconds)
    log = open(log_path, "a", buffering=1)

    def say(*fields):
        log.write(" ".join(str(f) for f in fields) + "\n")

    conn, member = None, None
    while time.time() < deadline and not os.path.exists(stop_file):
        if conn is None:
            found = leader(members)
            if found is None:
                time.sleep(0.05)
                continue
            member, port = found
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=port, dbname=database,
                                        user="postgres", connect_timeout=2,
                                        application_name="ha-writer")
                conn.autocommit = True
                say("conn", f"{time.time():.6f}", member)
            except psycopg2.Error:
                conn = None
                time.sleep(0.05)
                continue
        try:
            with conn.cursor() as cur:
                cur.execute("INSERT INTO t (client) SELECT %s FROM generate_series(1, %s) "
                            "RETURNING id", (member, int(batch)))
                ids = [str(row[0]) for row in cur.fetchall()]
            say("ack", f"{time.time():.6f}", member, *ids)
            time.sleep(float(pause))
        except psycopg2.Error as e:
            text = " ".join(str(e).split())[:400]
            if e.pgcode and not conn.closed:
                say("err", f"{time.time():.6f}", member, e.pgcode, text)
                # A standby (after a demotion) or a server shutting down: find the leader.
                if e.pgcode in ("25006", "57P01", "57P02", "57P03"):
                    conn.close()
                    conn = None
                else:
                    time.sleep(0.01)
            else:
                say("lost", f"{time.time():.6f}", member, text)
                try:
                    conn.close()
                except psycopg2.Error:
                    pass
                conn = None
    say("done", f"{time.time():.6f}", json.dumps(database))


if __name__ == "__main__":
    main()
