"""One list page's query arguments — the search, the select filters, the sort, the page — read
and applied in one place, so that every list reads them the same way.

The pages show them with the macros of ``templates/partials/list.html``: the filter form (its
search box searches as the user types) and the table with its sortable headers, empty state and
pager.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import request
from peewee import Expression, ModelSelect

from tracker.core.search_index import condition, search_plans
from tracker.web.pagination import Page, paginate, sort_key


@dataclass(frozen=True)
class Filter:
    """One select of a list's filter form: its query argument, its options, what a choice keeps.

    ``options`` maps each allowed value to its label, marked for translation (``N_``) unless
    ``translate`` is false (names from the database). Any other value, as in a hand-edited
    address, reads as no choice: the list shows every row rather than fail.
    """

    name: str
    label: str
    everything: str
    options: Mapping[str, str]
    keep: Callable[[str], Expression]
    translate: bool = True


@dataclass
class Listing:
    """What a list page shows: the page of rows and the arguments that chose them."""

    page: Page
    q: str = ""
    sort: str = ""
    filters: Sequence[Filter] = ()
    chosen: dict[str, str] = field(default_factory=dict)


def list_page(
    query: ModelSelect,
    *,
    sorts: Mapping[str, Any],
    default_sort: str,
    search: Any = None,
    filters: Sequence[Filter] = (),
    per_page: int | None = None,
) -> Listing:
    """``query`` searched (``q``), filtered, sorted (``sort``) and cut to the asked ``page``.

    ``search`` is the model whose rows ``q`` searches, as /search does (accents and case
    ignored, every word the start of a word: tracker/core/search_index.py ``condition``).
    ``sorts`` names the columns a list may be sorted by (``sort_key``); an unknown ``sort``
    reads as ``default_sort``.
    """
    q = request.args.get("q", "").strip()[:200]
    searched = condition(search, q) if search is not None else None
    if searched is not None:
        query = query.where(searched)
    chosen = {}
    for choice in filters:
        value = request.args.get(choice.name, "")
        chosen[choice.name] = value if value in choice.options else ""
        if chosen[choice.name]:
            query = query.where(choice.keep(value))
    sort, order = sort_key(sorts, default_sort)
    with search_plans(searched is not None and getattr(search, "FULL_TEXT", False)):
        page = paginate(query.order_by(*order), per_page)
    return Listing(page=page, q=q, sort=sort, filters=filters, chosen=chosen)
