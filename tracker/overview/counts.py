"""Timeliness counts per unit, cached per process and never stale.

The leader's overview counts every assignment of every unit by timeliness category; the
officer's home counts its unit's; a unit's list counts its rows and the navigation the work
waiting for confirmation. All read them through ``tallies`` (``category_counts_by_unit`` for
the categories alone):

* Database triggers on ``assignment`` (tracker.models.counters: created by migration 0011,
  and by ``CounterVersion.create_table`` for databases built from the models) raise the unit's
  row in ``counter_version`` on every INSERT and DELETE and on every UPDATE that changes a
  column a category depends on (status, statistics deadline, completion date, deadline kind,
  unit). They fire for every write path: the workflow, bulk updates, cascading deletes, raw
  SQL, other processes and other machines.
* Each process keeps, per unit, the counts with the key they were computed for: the unit's
  version, the local date and the due-soon window (due soon and overdue change with the date
  even when no row changes). A request reads the versions (one small query) and recomputes,
  in one grouped query, only the units whose key differs.

Versions start at a random number, so a database rebuilt from scratch (tests, a restore)
cannot meet counts cached for an earlier database with the same unit ids; the cache is also
held by the database object itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context, request
from peewee import SQL, fn

from tracker.assignments.queries import category_counts, category_sums, count_where
from tracker.core import prepared, timeliness
from tracker.core.db import database
from tracker.models import Assignment, CounterVersion


def _cache() -> dict[int, tuple[tuple, Tally]]:
    # Held by the database object: a database bound anew starts with an empty cache.
    db = database.obj
    cache = getattr(db, "_tracker_category_cache", None)
    if cache is None:
        cache = {}
        db._tracker_category_cache = cache
    return cache


@dataclass(frozen=True)
class Tally:
    """What is kept per unit: its counts per category, how many assignments it has in all
    (cancelled ones too: no category counts them, the unit's list shows them) and how many
    wait for the leader's confirmation (the navigation's queue)."""

    counts: dict[str, int]
    total: int
    submitted: int


def _compute(unit_ids: list[int], today: date, window: int, everyone: bool) -> dict[int, Tally]:
    query = Assignment.select(
        Assignment.unit.alias("unit_id"),
        *category_sums(today, window),
        fn.COUNT(SQL("*")).alias("_all"),
        count_where(Assignment.status == "submitted").alias("_submitted"),
    ).group_by(Assignment.unit)
    if not everyone:
        query = query.where(Assignment.unit.in_(unit_ids))
    rows = {
        row["unit_id"]: Tally(category_counts(row), int(row["_all"]), int(row["_submitted"] or 0))
        for row in query.dicts()
    }
    zero = Tally(dict.fromkeys(timeliness.ORDER, 0), 0, 0)
    return {unit_id: rows.get(unit_id, zero) for unit_id in unit_ids}


def _every_version(wanted) -> dict[int, int]:
    """Every unit's counter version. Read once per GET request: the navigation's queue and the
    leader's summary both need them, and a GET changes no assignment (a POST reads them anew
    each time, after its change)."""
    shared = has_request_context() and request.method == "GET"
    versions = g.get("_counter_versions") if shared else None
    if versions is None:
        versions = dict(prepared.rows(("counter.versions", 0), wanted, []))
        if shared:
            g._counter_versions = versions
    return versions


def category_counts_by_unit(
    unit_ids: Iterable[int], today: date, window: int
) -> dict[int, dict[str, int]]:
    """For each unit, how many of its (non-cancelled) assignments fall in each category.

    At most two queries: the units' versions, then the counts of the units not cached at
    their current version for ``today`` and ``window``.
    """
    return {unit_id: dict(t.counts) for unit_id, t in tallies(unit_ids, today, window).items()}


def tallies(unit_ids: Iterable[int] | None, today: date, window: int) -> dict[int, Tally]:
    """Each unit's ``Tally`` (every unit that has a counter version when ``unit_ids`` is
    None), as ``category_counts_by_unit`` reads them. Callers must not change the counts."""
    everyone_asked = unit_ids is None
    unit_ids = [] if unit_ids is None else list(dict.fromkeys(unit_ids))
    if not unit_ids and not everyone_asked:
        return {}
    n = len(unit_ids) if 0 < len(unit_ids) <= 50 else 0

    def wanted():
        query = CounterVersion.select(CounterVersion.unit_id, CounterVersion.version).tuples()
        return query.where(CounterVersion.unit_id.in_(prepared.slots(0, n))) if n else query

    if n:
        versions = dict(prepared.rows(("counter.versions", n), wanted, unit_ids))
    else:
        versions = _every_version(wanted)
    if everyone_asked:
        unit_ids = list(versions)
    cache = _cache()
    result: dict[int, Tally] = {}
    stale: list[int] = []
    for unit_id in unit_ids:
        # A unit without a version row is never cached (its counts are computed each time).
        key = (versions.get(unit_id), today, window)
        hit = cache.get(unit_id)
        if key[0] is not None and hit is not None and hit[0] == key:
            result[unit_id] = hit[1]
        else:
            stale.append(unit_id)
    if stale:
        everyone = len(stale) > 50
        for unit_id, tally in _compute(stale, today, window, everyone).items():
            version = versions.get(unit_id)
            if version is not None:
                cache[unit_id] = ((version, today, window), tally)
            result[unit_id] = tally
    return result
