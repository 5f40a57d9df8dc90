"""Unit kinds are data (DESIGN.md "Organisation levels"): the table ``unit_type`` (code, name,
the labels pages show for one unit and for all of them, the collective phrases notices use, the
order), holding the three kinds the district had in code — department, ward, agency — with their
labels and phrases, so existing units keep their ``kind``. A unit group may be a kind's own group
(``unit_group.kind_id``), kept in step with the kind's units: every kind that has units gets one
now, taking over a group that already bears its name ("UBND các phường")."""

from peewee import *

KINDS = (
    (
        "department",
        "Phòng, ban chuyên môn",
        "Phòng, ban chuyên môn",
        "Các phòng, ban chuyên môn",
        (
            "các phòng, ban, cơ quan, đơn vị",
            "các phòng, ban, ngành, đơn vị",
            "các phòng, ban, ngành",
            "các phòng, ban chuyên môn",
            "các phòng ban chuyên môn",
            "các cơ quan chuyên môn",
            "các cơ quan, đơn vị",
            "các phòng chuyên môn",
            "các phòng, ban",
            "các phòng ban",
            "thủ trưởng các phòng, ban",
        ),
        10,
    ),
    (
        "ward",
        "UBND phường",
        "UBND phường",
        "UBND các phường",
        (
            "UBND các phường",
            "Ủy ban nhân dân các phường",
            "UBND các xã, phường",
            "UBND các xã, thị trấn",
            "UBND các phường, xã",
            "Ủy ban nhân dân các xã, thị trấn",
            "Ủy ban nhân dân các xã, phường",
            "UBND các xã",
            "Ủy ban nhân dân các xã",
            "Chủ tịch UBND các phường",
            "các phường",
            "các xã, thị trấn",
            "các xã, phường",
        ),
        20,
    ),
    ("agency", "Cơ quan, đơn vị", "Cơ quan, đơn vị", "Các cơ quan, đơn vị", (), 30),
)


def up(migrator, db):
    class UnitKind(Model):
        code = CharField(max_length=40, unique=True)
        name = CharField(max_length=200)
        label = CharField(max_length=200)
        group_label = CharField(max_length=200)
        phrases = TextField(default="")
        sort_order = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "unit_type"

    db.create_tables([UnitKind])
    migrator.migrate(
        migrator.add_column(
            "unit_group",
            "kind_id",
            ForeignKeyField(
                UnitKind, null=True, unique=True, on_delete="SET NULL", field=UnitKind.id
            ),
        )
    )
    if isinstance(db, PostgresqlDatabase):
        # Rows written with explicit ids (an import, a restore) leave a sequence behind its
        # table: move it past them before adding rows.
        for table in ("unit_group", "unit_group_member"):
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'GREATEST((SELECT MAX(id) FROM "{table}"), 1))'
            )
    for code, name, label, group_label, phrases, order in KINDS:
        kind = UnitKind.create(
            code=code,
            name=name,
            label=label,
            group_label=group_label,
            phrases="\n".join(phrases),
            sort_order=order,
        )
        units = [
            r[0] for r in db.execute_sql("SELECT id FROM unit WHERE kind = %s" % db.param, (code,))
        ]
        if not units:
            continue
        row = db.execute_sql(
            "SELECT id FROM unit_group WHERE name = %s" % db.param, (group_label,)
        ).fetchone()
        if row is None:
            db.execute_sql(
                "INSERT INTO unit_group (name, description, kind_id) VALUES (%s, %s, %s)"
                % (db.param, db.param, db.param),
                (group_label, "", kind.id),
            )
            row = db.execute_sql(
                "SELECT id FROM unit_group WHERE name = %s" % db.param, (group_label,)
            ).fetchone()
        else:
            db.execute_sql(
                "UPDATE unit_group SET kind_id = %s WHERE id = %s" % (db.param, db.param),
                (kind.id, row[0]),
            )
        db.execute_sql("DELETE FROM unit_group_member WHERE group_id = %s" % db.param, (row[0],))
        for unit_id in units:
            db.execute_sql(
                "INSERT INTO unit_group_member (group_id, unit_id) VALUES (%s, %s)"
                % (db.param, db.param),
                (row[0], unit_id),
            )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("unit_group", "kind_id"))
    db.execute_sql('DROP TABLE IF EXISTS "unit_type"')
