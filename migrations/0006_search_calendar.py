"""Accent-insensitive search: a folded search_text on meetings, tasks and progress reports, filled
for existing rows, with its index (GIN text search on PostgreSQL); iCalendar feeds behind
hashed secret tokens."""

import re
import unicodedata

from peewee import *


class InstantField(DateTimeField):
    """Frozen copy of the application's InstantField as far as this migration needs it: the
    column (DATETIME on SQLite, TIMESTAMP on PostgreSQL). The migration writes no instants, so
    the conversion to naive UTC that the application's field does is not needed here."""


# Frozen copy of the application's text folding as it was when this migration was written
# (the backfill must fold as the models' save() folded then): NFD, combining marks dropped,
# đ/Đ/ð/Ð to d, lower case, every other non-alphanumeric character a space, spaces squeezed.
_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_SPACES = re.compile(r" +")


def _fold_char(ch):
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    out = []
    for part in unicodedata.normalize("NFD", ch):
        if unicodedata.combining(part):
            continue
        part = _SPECIAL.get(part, part).lower()
        out.append(part if part.isalnum() else " ")
    return "".join(out)


def fold_all(parts):
    """Several texts folded into one searchable string."""
    text = " ".join(p for p in parts if p)
    if not text:
        return ""
    return _SPACES.sub(" ", "".join(_fold_char(ch) for ch in text)).strip()


class SearchIndex(ModelIndex):
    """Frozen copy of the application's search index: a GIN text-search index on PostgreSQL;
    on SQLite an empty partial index of the same name (so both schemas declare one index)."""

    def __sql__(self, ctx):
        # SQLite names an index's schema before its name; PostgreSQL does not.
        if not ctx.state.index_schema_prefix:
            node = ModelIndex(
                self._model,
                [SQL("to_tsvector('simple', search_text)")],
                name=self._name,
                safe=self._safe,
                using="GIN",
            )
        else:
            node = ModelIndex(
                self._model, [SQL('"id"')], name=self._name, safe=self._safe, where=SQL("0")
            )
        return node.__sql__(ctx)


def search_index(model):
    """The search index of ``model``, named after its table."""
    return SearchIndex(model, [SQL("search_text")], name=f"{model._meta.table_name}_search")


SEARCHABLE = {
    "meeting": ("title", "notice_number", "place", "chair_name", "conclusion"),
    "task": ("title", "content"),
    "progress_report": ("text", "difficulties", "proposals"),
}
BATCH = 2000


def _backfill(db, table, columns):
    """Fill search_text of every existing row, a batch of ids at a time."""
    param = db.param
    cols = ", ".join(f'"{c}"' for c in columns)
    last = 0
    while True:
        rows = db.execute_sql(
            f'SELECT id, {cols} FROM "{table}" WHERE id > {param} ORDER BY id LIMIT {BATCH}',
            (last,),
        ).fetchall()
        if not rows:
            return
        for row in rows:
            db.execute_sql(
                f'UPDATE "{table}" SET search_text = {param} WHERE id = {param}',
                (fold_all(row[1:]), row[0]),
            )
        last = rows[-1][0]


def up(migrator, db):
    class Unit(Model):
        class Meta:
            database = db
            table_name = "unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    for table, columns in SEARCHABLE.items():
        migrator.migrate(migrator.add_column(table, "search_text", TextField(default="")))
        _backfill(db, table, columns)

        class Stand(Model):
            search_text = TextField(default="")

            class Meta:
                database = db
                table_name = table

        db.execute(search_index(Stand))
        if isinstance(db, PostgresqlDatabase):
            # Fresh statistics, so the planner knows the new index at once.
            db.execute_sql(f'ANALYZE "{table}"')

    class CalendarFeed(Model):
        token_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        unit = ForeignKeyField(Unit, null=True, on_delete="CASCADE")
        created_at = InstantField()
        revoked_at = InstantField(null=True)

        class Meta:
            database = db
            table_name = "calendar_feed"

    db.create_tables([CalendarFeed])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("calendar_feed"))
    for table in SEARCHABLE:
        migrator.migrate(migrator.drop_index(table, f"{table}_search"))
        migrator.migrate(migrator.drop_column(table, "search_text"))
