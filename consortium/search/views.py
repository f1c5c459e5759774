"""The results page of the search box in the header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from consortium import permissions
from consortium.search import bp, queries
from consortium.search.folding import MAX_LENGTH, MIN_LENGTH, clean_query

# How many hits of each kind the page shows; "show all" shows up to KIND_LIMIT of one kind.
LIMIT = 10
KIND_LIMIT = 200


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any
    # The kind's own list, filtered by the same text, for those who may open it.
    list_url: Callable[[str], str | None]


def _list(endpoint: str, action: str | None = None) -> Callable[[str], str | None]:
    def url(text: str) -> str | None:
        if action is not None and not permissions.can(current_user, action):
            return None
        return url_for(endpoint, q=text)

    return url


def _none(_text: str) -> None:
    return None


KINDS = (
    Kind("organisations", _l("Organisations"), _list("members.index", "organisations.list")),
    Kind("people", _l("People"), _none),
    Kind("products", _l("Products"), _list("products.index", "products.view")),
    Kind("groups", _l("Groups"), _none),
    Kind("suppliers", _l("Suppliers"), _none),
    Kind("invoices", _l("Invoices and credit notes"), _list("invoicing.index", "invoices.manage")),
    Kind("agreements", _l("Agreement documents"), _none),
    Kind("minutes", _l("Minutes"), _list("meetings.search")),
    Kind("decisions", _l("Decisions"), _list("meetings.decisions")),
    Kind("backlog", _l("Backlog items"), _none),
)
BY_KEY = {kind.key: kind for kind in KINDS}

_SEARCHES = {
    "organisations": queries.organisations,
    "people": queries.people,
    "products": queries.products,
    "groups": queries.groups,
    "suppliers": queries.suppliers,
    "invoices": queries.invoices,
    "agreements": queries.agreements,
    "backlog": queries.backlog_items,
}


def _problem(text: str) -> str | None:
    """Why the query cannot be searched, or None."""
    if not text:
        return _("Type a name, a number or an email address to search for.")
    if len(text) < MIN_LENGTH:
        return _("Type at least %(count)d characters to search for.", count=MIN_LENGTH)
    if len(text) > MAX_LENGTH:
        return _("The search is too long: type at most %(count)d characters.", count=MAX_LENGTH)
    return None


def search_all(user, text: str, only: str = "", limit: int = LIMIT) -> list[queries.Found]:
    """What the user may see that matches, kind by kind; the kinds with an exact identifier
    first, then in the order of KINDS."""
    query = queries.Query.of(text)
    found: list[queries.Found] = []
    for key, search in _SEARCHES.items():
        if not only or only == key:
            found.append(search(user, query, limit))
    if not only or only in ("minutes", "decisions"):
        minutes, decisions = queries.minutes_and_decisions(user, query, limit)
        found.extend(each for each in (minutes, decisions) if not only or only == each.kind)
    order = [kind.key for kind in KINDS]
    found.sort(key=lambda each: (not each.exact, order.index(each.kind)))
    return [each for each in found if each.total]


@bp.route("/search")
@login_required
def index():
    """Organisations, people, products, groups, suppliers, invoices, agreement documents,
    minutes, decisions and backlog items that match, grouped by kind, only what the reader may
    see; ``kind=`` shows all of one kind."""
    permissions.require("search.use")
    text = clean_query(request.args.get("q", ""))
    kind = request.args.get("kind", "")
    chosen = BY_KEY.get(kind)
    problem = _problem(text)
    found: list[queries.Found] = []
    if problem is None:
        if chosen is not None:
            found = search_all(current_user, text, only=chosen.key, limit=KIND_LIMIT)
        else:
            found = search_all(current_user, text)
    return render_template(
        "search/results.html",
        query=text if len(text) <= MAX_LENGTH else text[:MAX_LENGTH],
        problem=problem,
        found=found,
        kinds=BY_KEY,
        chosen=chosen,
        kind_limit=KIND_LIMIT,
        max_length=MAX_LENGTH,
    )
