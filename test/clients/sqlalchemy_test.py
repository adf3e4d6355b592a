#!/usr/bin/python3
"""A table moved to flakeid, used through an ORM (Debian's python3-sqlalchemy).

Connects to FLAKEID_TEST_DSN (a libpq connection string or URI), whose database has
flakeid installed and the twitter layout, and whose server has node ids
FLAKEID_TEST_DATACENTER / FLAKEID_TEST_MACHINE. Makes a bigserial table the way an
application made it years ago and fills it through the ORM; moves it to flakeid with
flakeid_adopt(); then inserts through the ORM's own unit of work, with the key declared
server_default=FetchedValue(), and checks that each key SQLAlchemy reads back is the
database's, exactly: a Python int equal to the server's id::text, above every old key,
decoding to now and to this server's node ids. A model declared with
server_default=text("flakeid_next()") makes its own table and works the same way. Prints
one line per check and exits 1 on the first failure.

Run it with /usr/bin/python3: Debian's python3-sqlalchemy is installed for that one.
"""

import datetime
import os
import sys

import psycopg2
import sqlalchemy
from sqlalchemy import BigInteger, Column, FetchedValue, Text, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, declarative_base

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


# The application's model before the move: SQLAlchemy's own bigserial key.
OldBase = declarative_base()


class OldOrder(OldBase):
    """orm_orders as the application declared it for a bigserial key."""

    __tablename__ = "orm_orders"
    id = Column(BigInteger, primary_key=True)
    item = Column(Text, nullable=False)


# The model after the move: the database makes the key, the ORM reads it back.
Base = declarative_base()


class Order(Base):
    """orm_orders after flakeid_adopt(): the key is made by the server's DEFAULT."""

    __tablename__ = "orm_orders"
    id = Column(BigInteger, primary_key=True, server_default=FetchedValue())
    item = Column(Text, nullable=False)


class Event(Base):
    """A new table whose DDL SQLAlchemy writes: DEFAULT flakeid_next(), no SERIAL."""

    __tablename__ = "orm_events"
    id = Column(BigInteger, primary_key=True, autoincrement=False,
                server_default=text("flakeid_next()"))
    payload = Column(Text)


def server_text(session, table, key):
    """The server's own text of the key `key` in `table`."""
    return session.execute(text(f"SELECT id::text FROM {table} WHERE id = :id"),
                           {"id": key}).scalar_one()


def main():
    dsn = os.environ.get("FLAKEID_TEST_DSN", "")
    datacenter = int(os.environ.get("FLAKEID_TEST_DATACENTER", "0"))
    machine = int(os.environ.get("FLAKEID_TEST_MACHINE", "0"))
    engine = sqlalchemy.create_engine("postgresql+psycopg2://",
                                      creator=lambda: psycopg2.connect(dsn))
    print(f"SQLAlchemy {sqlalchemy.__version__}, psycopg2 {psycopg2.__version__.split()[0]}")

    # Before: the bigserial table and its rows, through the ORM.
    OldBase.metadata.drop_all(engine)
    OldBase.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([OldOrder(item=f"old {n}") for n in range(1, 101)])
        session.commit()
        old = dict(session.execute(select(OldOrder.id, OldOrder.item)).all())
    check(sorted(old) == list(range(1, 101)), "100 rows made through the bigserial: keys 1..100")

    # The move.
    with engine.begin() as conn:
        moved = conn.execute(text("SELECT relation::text, sequence_now FROM flakeid_adopt('orm_orders')")).all()
    check(moved == [("orm_orders", "dropped")],
          f"flakeid_adopt('orm_orders') moved the table and dropped its sequence: {moved}")

    # After: inserts through the ORM's unit of work; the key comes back from the server.
    with Session(engine) as session:
        one = Order(item="new 1")
        session.add(one)
        session.flush()
        check(type(one.id) is int, f"the ORM read the new key back as a Python int: {one.id}")
        check(one.id > TWO_53, f"a twitter-layout key, above 2^53 ({one.id})")
        check(str(one.id) == server_text(session, "orm_orders", one.id),
              "the key the ORM holds equals the server's id::text")
        check(one.id > max(old), "the new key is above every old key")
        one_id = one.id
        many = [Order(item=f"new {n}") for n in range(2, 201)]
        session.add_all(many)
        session.flush()
        keys = [o.id for o in many]
        check(all(type(k) is int for k in keys) and len(set(keys)) == 199,
              "199 more objects each got a distinct key from the server")
        check(all(a < b for a, b in zip(keys, keys[1:])),
              "their keys increase in the order the ORM inserted them")
        session.commit()

    with Session(engine) as session:
        rows = session.execute(text("SELECT id, id::text AS id_text, item FROM orm_orders ORDER BY 1")).all()
        check(len(rows) == 300 and all(str(i) == t for i, t, _ in rows),
              "300 rows, each key read as int equal to its id::text")
        check({i: item for i, _, item in rows if i <= 100} == old,
              "the old rows keep their keys")
        got = session.get(Order, one_id)
        check(got is not None and got.item == "new 1",
              "session.get() with the key finds its row")
        when, dc, mc = session.execute(
            text("SELECT generated_at, datacenter_id, machine_id FROM flakeid_decode(:id)"),
            {"id": one_id}).one()
        age = abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds())
        check(age < 60 and (dc, mc) == (datacenter, machine),
              f"the key decodes to now and to datacenter {datacenter}, machine {machine}")

    # Code that read currval() of the old sequence must use RETURNING instead.
    with engine.connect() as conn:
        try:
            conn.execute(text("SELECT currval('orm_orders_id_seq')"))
            check(False, "currval() of the dropped sequence fails")
        except DBAPIError as err:
            check(err.orig.pgcode == "42P01",
                  "currval() of the dropped sequence fails (42P01): read the key with RETURNING")

    # A new table written by SQLAlchemy's DDL with server_default=text("flakeid_next()").
    Event.__table__.drop(engine, checkfirst=True)
    Base.metadata.create_all(engine, tables=[Event.__table__])
    with engine.connect() as conn:
        default = conn.execute(text(
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef "
            "WHERE adrelid = 'orm_events'::regclass")).scalar_one()
    check(default == "flakeid_next()", f"create_all() gave orm_events DEFAULT {default}")
    with Session(engine) as session:
        event = Event(payload="signup")
        session.add(event)
        session.flush()
        event_id = event.id
        check(type(event_id) is int and str(event_id) == server_text(session, "orm_events", event_id),
              f"an Event's key comes back from the server exactly: {event_id}")
        session.commit()

    Base.metadata.drop_all(engine)
    print(f"sqlalchemy client: {checks} passed, 0 failed")


if __name__ == "__main__":
    main()
