"""Pages and sorting for list views."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request, url_for


def url_with(**changes: Any) -> str:
    """This page's URL with the query arguments ``changes`` replaced, the others kept.

    The query string is built here, not by ``url_for``: an argument such as ``_method``,
    ``_external`` or ``_anchor`` is then only a query argument, never one of ``url_for``'s own.
    """
    args = request.args.to_dict(flat=False)
    args.update({name: [value] for name, value in changes.items()})
    path = url_for(request.endpoint, **(request.view_args or {}))
    query = urlencode(args, doseq=True)
    return f"{path}?{query}" if query else path


@dataclass
class Page:
    """One page of a query's rows, with what the pager needs."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    # The query argument naming the page (a page with two paged lists names one otherwise).
    arg: str = "page"

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def url(self, page: int) -> str:
        """This request's URL with ``page`` replaced (other filters kept)."""
        return url_with(**{self.arg: page})


def page_number(arg: str = "page") -> int:
    """The ``page`` argument (or ``arg``), at least 1; junk reads as 1."""
    try:
        return max(1, int(request.args.get(arg, "1")))
    except ValueError:
        return 1


def page_of(items: list[Any], per_page: int, arg: str = "page") -> Page:
    """The requested page of ``items`` (a list already in memory); past the end: the last."""
    pages = max(1, ceil(len(items) / per_page))
    number = min(page_number(arg), pages)
    start = (number - 1) * per_page
    return Page(
        items=items[start : start + per_page],
        page=number,
        per_page=per_page,
        total=len(items),
        arg=arg,
    )


def paginate(query, per_page: int | None = None) -> Page:
    """Run ``query`` for the requested page; a page past the end shows the last one."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    total = query.order_by().count()
    page = min(page_number(), max(1, ceil(total / per_page)))
    items = list(query.paginate(page, per_page))
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_ids(query, ids_query, order: list, per_page: int | None = None) -> Page:
    """``paginate`` for a query that joins wide rows: the page's ids first, then their rows.

    Sorting a hundred thousand joined rows (titles, meeting names) to keep twenty costs far more
    than sorting their ids and sort keys. ``ids_query`` selects the rows' ids (first column)
    with no more joins than its filters and ``order`` need; ``query`` reads the page's rows.
    """
    per_page = per_page or current_app.config["PAGE_SIZE"]
    key = query.model._meta.primary_key
    total = ids_query.order_by().count()
    page = min(page_number(), max(1, ceil(total / per_page)))
    ids = [row[0] for row in ids_query.order_by(*order).paginate(page, per_page).tuples()]
    # The page's rows in the order of their ids: sorted here rather than by the database,
    # so the (large) sort expressions are not built and evaluated a second time.
    position = {row_id: n for n, row_id in enumerate(ids)}
    items = sorted(query.where(key.in_(ids)), key=lambda row: position[getattr(row, key.name)])
    return Page(items=items, page=page, per_page=per_page, total=total)


@dataclass(frozen=True)
class NullsLast:
    """A sort term whose empty values stay last whichever way the list is sorted.

    peewee writes NULLS LAST where the database knows it and an equivalent CASE elsewhere.
    """

    field: Any

    def asc(self):
        return self.field.asc(nulls="last")

    def desc(self):
        return self.field.desc(nulls="last")


def sort_key(allowed: dict[str, Any], default: str) -> tuple[str, list[Any]]:
    """The requested ``sort`` (``name`` or ``-name``) if allowed, and its ORDER BY terms."""
    requested = request.args.get("sort", default)
    name = requested.lstrip("-")
    if name not in allowed:
        requested, name = default, default.lstrip("-")
    terms = allowed[name]
    terms = terms if isinstance(terms, list | tuple) else [terms]
    if requested.startswith("-"):
        return requested, [t.desc() for t in terms]
    return requested, [t.asc() for t in terms]
