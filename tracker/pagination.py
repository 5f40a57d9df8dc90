"""Pages and sorting for list views."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import current_app, request, url_for


@dataclass
class Page:
    """One page of a query's rows, with what the pager needs."""

    items: list[Any]
    page: int
    per_page: int
    total: int

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
        args = request.args.to_dict()
        args.update(request.view_args or {})
        args["page"] = page
        return url_for(request.endpoint, **args)


def page_number() -> int:
    """The ``page`` argument, at least 1; junk reads as 1."""
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def paginate(query, per_page: int | None = None) -> Page:
    """Run ``query`` for the requested page; a page past the end shows the last one."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    total = query.order_by().count()
    page = min(page_number(), max(1, ceil(total / per_page)))
    items = list(query.paginate(page, per_page))
    return Page(items=items, page=page, per_page=per_page, total=total)


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
