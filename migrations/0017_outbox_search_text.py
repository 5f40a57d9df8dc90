"""The outbox's search (accents and case ignored, as every list's): a folded ``search_text`` of
each message's subject and recipients, filled for the messages already queued."""

import re
import unicodedata

from peewee import SqliteDatabase, TextField

# Frozen copy of the application's text folding as it was when this migration was written
# (tracker/core/textfold.py): NFD, combining marks dropped, đ/Đ/ð/Ð to d, lower case, every
# other non-alphanumeric character a space, spaces squeezed.
_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}
_SPACES = re.compile(r" +")
COLUMNS = ("subject", "recipients", "missing_recipients")
BATCH = 2000


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


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        # One ALTER: playhouse's SQLite migrator would rebuild the table for the NOT NULL, and
        # the rebuild drops the table's triggers (the page cache's data version).
        db.execute_sql(
            'ALTER TABLE "outbox_message" ADD COLUMN "search_text" TEXT NOT NULL DEFAULT \'\''
        )
    else:
        migrator.migrate(
            migrator.add_column("outbox_message", "search_text", TextField(default=""))
        )
    param = db.param
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    last = 0
    while True:
        rows = db.execute_sql(
            f'SELECT id, {cols} FROM "outbox_message" WHERE id > {param} ORDER BY id LIMIT {BATCH}',
            (last,),
        ).fetchall()
        if not rows:
            return
        for row in rows:
            db.execute_sql(
                f'UPDATE "outbox_message" SET search_text = {param} WHERE id = {param}',
                (fold_all(row[1:]), row[0]),
            )
        last = rows[-1][0]


def down(migrator, db):
    migrator.migrate(migrator.drop_column("outbox_message", "search_text"))
