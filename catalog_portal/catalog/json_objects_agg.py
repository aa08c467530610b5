"""A group's rows as one JSON array of objects, on both databases: ``JSONObjectsAgg(**fields)``.

Django has no portable JSON aggregate (``contrib.postgres``' ``JSONBAgg`` is PostgreSQL's
alone), and a correlated subquery that gathers an item's related rows into one JSON value lets
a page of items carry them in the page's own query.

PostgreSQL: ``JSONB_AGG(JSONB_BUILD_OBJECT(...))``, jsonb because the database backend hands
jsonb to Django as text for ``JSONField`` to parse (``json`` would come back decoded already).
SQLite: ``JSON_GROUP_ARRAY(JSON_OBJECT(...))``, which nests each object as an object.
The object is built here rather than with Django's ``JSONObject``, which on SQLite first asks
each new connection whether it has JSON at all (two statements more on a tile request's fresh
connection); the portal's JSONFields need SQLite's JSON functions anyway.
Booleans come back as false/true from PostgreSQL and as 0/1 from SQLite. An empty group gives
NULL (None), not ``[]``.
"""

from __future__ import annotations

from django.db.models import Aggregate, Expression, JSONField, TextField, Value
from django.db.models.functions import Cast


class JSONObjectsAgg(Aggregate):
    """One JSON object per row of a group, with ``fields`` (name: expression or field name)
    as its keys, gathered into a JSON array (None for no rows)."""

    function = "JSONB_AGG"
    template = "%(function)s(%(object_function)s(%(expressions)s))"
    output_field = JSONField()

    def __init__(self, **fields: Expression | str) -> None:
        pairs = []
        for name, value in fields.items():
            # A typed key: PostgreSQL cannot infer the type of a bare parameter in a variadic.
            pairs.extend((Cast(Value(name), TextField()), value))
        super().__init__(*pairs)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, object_function="JSONB_BUILD_OBJECT", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="JSON_GROUP_ARRAY",
            object_function="JSON_OBJECT",
            **extra_context,
        )
