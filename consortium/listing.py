"""Lists of records that work like a spreadsheet: sorted by clicking a column header, filtered,
paged in 25, 50, 100 or 200 rows, all of it kept in the URL and carried by every link (pages,
sorting, export), and exported as shown (a CSV file of the filtered, sorted rows of every page).

A view describes its columns once and lets a :class:`Listing` read the request::

    listing = Listing("members.index", COLUMNS, filters=("q", "kind"), default_sort="name")
    if listing.exporting:
        return listing.export(db.session.scalars(listing.order(statement)), "organisations")
    pagination = listing.paginate(statement)

Sorting happens in SQL, on the expressions the columns name and nothing else: a column name
from the request only ever picks one of them. Rows computed in Python (balances, counts) sort by
the same columns, whose sort is then a function of a row, and are paged after sorting
(:meth:`Listing.sort_rows`, :meth:`Listing.paginate_rows`). Values the list does not know (a column, an
order, a page size) are ignored and the page says so; none reaches the database.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import case

from consortium import csvio
from consortium.extensions import db

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 100_000
# The parameters every list reads; a view adds the names of its own filters.
SORT, ORDER, SIZE, PAGE, EXPORT = "sort", "order", "per_page", "page", "export"


def in_order(expression: Any, codes: Sequence[str]) -> Any:
    """A fixed choice's code as its position among the codes, so that a list sorts statuses
    and levels in their own order rather than by the codes' letters."""
    return case({code: position for position, code in enumerate(codes)}, value=expression)


@dataclass(frozen=True)
class Column:
    """A column of a list: its key in the URL, its heading, the SQL expression it sorts by
    (None: not sortable; a function of a row for rows computed in Python) and how a row reads
    in the export (None: not exported)."""

    key: str
    label: Any
    sort: Any = None
    value: Callable[[Any], object] | None = None
    # Whether the first click sorts from the largest or latest (amounts, dates) down.
    descending_first: bool = False
    # The header's class: "number" for amounts and counts, which line up on the right.
    css_class: str | None = None


@dataclass
class Listing:
    """A list's state read from the request: sort, order, page size, page and filters."""

    endpoint: str
    columns: Sequence[Column]
    default_sort: str
    default_descending: bool = False
    filters: Iterable[str] = ()
    default_size: int = DEFAULT_PAGE_SIZE
    # Parameters of the URL's path (an organisation's id), passed to url_for with the query.
    view_args: Mapping[str, Any] = field(default_factory=dict)
    # The SQL expressions that break ties, so that a page never shows a row twice.
    tie_breakers: Sequence[Any] = ()
    page_sizes: Sequence[int] = PAGE_SIZES

    def __post_init__(self) -> None:
        self.notices: list[str] = []
        self.sortable = {column.key: column for column in self.columns if column.sort is not None}
        args = request.args
        asked_sort = args.get(SORT, "")
        if asked_sort in self.sortable:
            self.sort = asked_sort
        else:
            self.sort = self.default_sort
            if asked_sort:
                self.notices.append(
                    _("The list cannot be sorted that way; it shows its usual order.")
                )
        asked_order = args.get(ORDER, "")
        if asked_order in ("asc", "desc"):
            self.descending = asked_order == "desc"
        else:
            self.descending = (
                self.default_descending
                if self.sort == self.default_sort
                else self.sortable[self.sort].descending_first
            )
            if asked_order:
                self.notices.append(
                    _("The sort direction asked for is unknown; the list shows its usual order.")
                )
        self.per_page = self.default_size
        asked_size = args.get(SIZE, "")
        if asked_size:
            if asked_size.isdigit() and int(asked_size) in PAGE_SIZES:
                self.per_page = int(asked_size)
            else:
                self.notices.append(
                    _(
                        "A page shows 25, 50, 100 or 200 rows; it shows %(rows)d.",
                        rows=self.default_size,
                    )
                )
        page = args.get(PAGE, 1, type=int)
        self.page = min(max(page, 1), MAX_PAGE)
        self.exporting = args.get(EXPORT) == "csv"
        # What every link carries: the filters as given, and the sort and size when chosen.
        self.filters = tuple(self.filters)
        self.args: dict[str, list[str]] = {}
        for name in self.filters:
            values = [value for value in args.getlist(name) if value != ""]
            if values:
                self.args[name] = values
        if (self.sort, self.descending) != (self.default_sort, self.default_descending):
            self.args[SORT] = [self.sort]
            self.args[ORDER] = ["desc" if self.descending else "asc"]
        if self.per_page != self.default_size:
            self.args[SIZE] = [str(self.per_page)]

    # Reading the rows.

    def order(self, statement):
        """The statement sorted by the chosen column, ties broken by the given expressions."""
        expression = self.sortable[self.sort].sort
        key = expression.desc() if self.descending else expression.asc()
        return statement.order_by(None).order_by(key.nulls_last(), *self.tie_breakers)

    def paginate(self, statement):
        """One page of the sorted statement's rows (the last page when asked for one past it)."""
        pagination = db.paginate(
            self.order(statement), page=self.page, per_page=self.per_page, error_out=False
        )
        if not pagination.items and pagination.total and self.page > 1:
            self.page = pagination.pages
            pagination = db.paginate(
                self.order(statement), page=self.page, per_page=self.per_page, error_out=False
            )
        return pagination

    def sort_rows(self, rows: Iterable[Any]) -> list[Any]:
        """Rows computed in Python sorted by the chosen column, whose sort is then a function of
        a row; empty values last, rows with the same value in the order given."""
        key = self.sortable[self.sort].sort
        keyed = [(key(row), row) for row in rows]
        present = [pair for pair in keyed if pair[0] is not None]
        present.sort(key=lambda pair: pair[0], reverse=self.descending)
        return [row for _value, row in present] + [row for value, row in keyed if value is None]

    def paginate_rows(self, rows: Iterable[Any]) -> RowPage:
        """One page of rows computed in Python, sorted first (the last page when asked for one
        past it)."""
        ordered = self.sort_rows(rows)
        pages = max(math.ceil(len(ordered) / self.per_page), 1)
        self.page = min(self.page, pages)
        start = (self.page - 1) * self.per_page
        return RowPage(
            ordered[start : start + self.per_page], self.page, self.per_page, len(ordered)
        )

    # Links.

    def url(self, **changes: Any) -> str:
        """This list's address with its filters, sort and size, and the changes given (a value
        of None drops a parameter)."""
        query: dict[str, Any] = dict(self.args)
        for key, value in changes.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return url_for(self.endpoint, **self.view_args, **query)

    def sort_url(self, key: str) -> str:
        """The address that sorts by a column: a second click on the sorted one reverses it."""
        if key == self.sort:
            descending = not self.descending
        else:
            descending = self.sortable[key].descending_first
        return self.url(**{SORT: key, ORDER: "desc" if descending else "asc", PAGE: None})

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    def page_url(self, page: int) -> str:
        return self.url(**{PAGE: page if page > 1 else None})

    def export_url(self, **changes: Any) -> str:
        return self.url(**{EXPORT: "csv"}, **changes)

    def hidden_args(self, exclude: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The carried parameters a form of the page repeats as hidden fields, except those the
        form asks for itself."""
        skip = set(exclude)
        return [
            (name, value)
            for name, values in self.args.items()
            if name not in skip
            for value in values
        ]

    @property
    def filtered(self) -> bool:
        """Whether a filter is set (the page then offers to clear the filters)."""
        return any(name in self.args for name in self.filters)

    def value(self, name: str) -> str:
        """A filter's value as carried (the first one)."""
        return self.args.get(name, [""])[0]

    # Export.

    def export(self, rows: Iterable[Any], name: str, columns: Sequence[Column] | None = None):
        """The rows as a CSV file in the reader's separator, formulas neutralised, with the
        exported columns' headings in the reader's language."""
        chosen = [column for column in (columns or self.columns) if column.value is not None]
        delimiter = csvio.delimiter_for(str(get_locale()))
        mark = csvio.decimal_mark_for(delimiter)
        content = csvio.write(
            [str(column.label) for column in chosen],
            ([_cell(column.value(row), mark) for column in chosen] for row in rows),  # type: ignore[misc]
            delimiter,
        )
        filename = f"{name}-{date.today().isoformat()}.csv"
        return Response(
            content,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


@dataclass
class RowPage:
    """A page of rows computed in Python, read by the templates as a database page is."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _cell(value: object, decimal_mark: str) -> object:
    """A cell as the reader's spreadsheet reads it: an amount without grouping and with the
    decimal mark of the reader's separator, a date in ISO form, a label as its text."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", decimal_mark)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)
