"""Copies of every Django table's rows, kept in the test database itself and put back with SQL.

Storing the demo catalogue through the portal's own code takes most of a second; copying its
rows back from a copy made once takes milliseconds. The copies live where Django's flush does
not look (tables of their own on SQLite, a schema of their own on PostgreSQL), so the flush
after a transactional test leaves them alone.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction


def django_tables() -> dict[str, list[str]]:
    """Each table Django's flush empties, with the columns Django writes (not generated
    ones, which the database fills again on insert)."""
    existing = set(connection.introspection.django_table_names(only_existing=True))
    tables: dict[str, list[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table in existing:
            tables[meta.db_table] = [
                field.column
                for field in meta.local_concrete_fields
                if not getattr(field, "generated", False)
            ]
    return tables


class DatabaseSnapshot:
    """The rows of every Django table at the moment ``take`` ran; ``restore`` makes the tables
    hold exactly those rows again, in the caller's transaction if there is one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tables = django_tables()
        # Sequence name -> the highest id the copy holds, for the sequences of serial columns.
        self.sequence_highs: dict[str, int] = {}

    def copy_of(self, table: str) -> str:
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            return f"{quote(self.name)}.{quote(table)}"
        return quote(f"{self.name}__{table}")

    def take(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP SCHEMA IF EXISTS {quote(self.name)} CASCADE")
                cursor.execute(f"CREATE SCHEMA {quote(self.name)}")
            for table, columns in self.tables.items():
                names = ", ".join(quote(column) for column in columns)
                cursor.execute(f"DROP TABLE IF EXISTS {self.copy_of(table)}")
                cursor.execute(
                    f"CREATE TABLE {self.copy_of(table)} AS SELECT {names} FROM {quote(table)}"
                )
                if connection.vendor == "postgresql":
                    for sequence in connection.introspection.get_sequences(cursor, table):
                        cursor.execute(
                            f"SELECT max({quote(sequence['column'])}) FROM {quote(table)}"
                        )
                        high = cursor.fetchone()[0]
                        if high is not None:
                            self.sequence_highs[sequence["name"]] = high

    def tables_differing_from(self, other: DatabaseSnapshot) -> list[str]:
        """The tables whose rows differ between this snapshot and ``other``."""
        differing = []
        with connection.cursor() as cursor:
            for table in self.tables:
                mine, theirs = self.copy_of(table), other.copy_of(table)
                cursor.execute(
                    f"SELECT EXISTS (SELECT * FROM {mine} EXCEPT SELECT * FROM {theirs})"
                    f" OR EXISTS (SELECT * FROM {theirs} EXCEPT SELECT * FROM {mine})"
                )
                if cursor.fetchone()[0]:
                    differing.append(table)
        return differing

    def restore(self, tables: list[str] | None = None) -> None:
        """Empty ``tables`` (all by default) and fill them with the snapshot's rows.

        Rows are deleted, not truncated: TRUNCATE would lock each table against the shared
        server's readers until the caller's transaction ends. Django makes foreign keys
        deferred on both databases, so the order of tables does not matter before commit.
        """
        quote = connection.ops.quote_name
        tables = list(self.tables) if tables is None else tables
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table in tables:
                names = ", ".join(quote(column) for column in self.tables[table])
                copy = self.copy_of(table)
                cursor.execute(f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {copy}")
            # The copied rows keep their ids. A sequence may only move forward: setval is not
            # undone by a rollback, so moving one back would hand out ids of committed rows.
            for sequence, high in self.sequence_highs.items():
                cursor.execute(
                    f"SELECT setval(%s, GREATEST(last_value, %s)) FROM {quote(sequence)}",
                    [sequence, high],
                )


class ChangeLog:
    """Which Django tables were written since ``clear``, by any connection: the test's, the
    shared server's, a child process's. A trigger on each table notes the table's name in a
    log table; a write rolled back takes its note with it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tables = list(django_tables())

    @property
    def log(self) -> str:
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            return f"{quote(self.name)}.changed"
        return quote(self.name)

    def install(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # No unique key: concurrent writers of the same table never wait on each
                # other's note, as they would on a key one of them inserted uncommitted.
                cursor.execute(f"DROP SCHEMA IF EXISTS {quote(self.name)} CASCADE")
                cursor.execute(f"CREATE SCHEMA {quote(self.name)}")
                cursor.execute(f"CREATE TABLE {self.log} (name text NOT NULL)")
                cursor.execute(
                    f"CREATE FUNCTION {quote(self.name)}.note() RETURNS trigger"
                    f" LANGUAGE plpgsql AS $$ BEGIN INSERT INTO {self.log} VALUES"
                    " (TG_TABLE_NAME); RETURN NULL; END $$"
                )
                for table in self.tables:
                    for events, each in (
                        ("INSERT OR UPDATE OR DELETE", "ROW"),
                        ("TRUNCATE", "STATEMENT"),
                    ):
                        cursor.execute(
                            f"CREATE TRIGGER {quote(f'{self.name}_{each.lower()}')}"
                            f" AFTER {events} ON {quote(table)} FOR EACH {each}"
                            f" EXECUTE FUNCTION {quote(self.name)}.note()"
                        )
            else:
                # SQLite runs one writer at a time anyway, so a unique key keeps the log short.
                cursor.execute(f"DROP TABLE IF EXISTS {self.log}")
                cursor.execute(f"CREATE TABLE {self.log} (name text PRIMARY KEY)")
                for table in self.tables:
                    for event in ("INSERT", "UPDATE", "DELETE"):
                        trigger = quote(f"{self.name}_{event}_{table}")
                        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                        cursor.execute(
                            f"CREATE TRIGGER {trigger}"
                            f" AFTER {event} ON {quote(table)} BEGIN"
                            f" INSERT OR IGNORE INTO {self.log} VALUES ('{table}'); END"
                        )

    def changed(self) -> set[str]:
        """The tables written since the log was last cleared."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT name FROM {self.log}")
            return {name for (name,) in cursor.fetchall()}

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.log}")
