"""`flask backlog tally`: count a prioritisation round from CSV files, so that anyone can check
a result; `flask backlog close-due`: close the rounds whose closing time has come (from cron).

    flask backlog tally --method points|budget-greedy|equal-shares|borda --ballots BALLOTS.csv
        [--weights WEIGHTS.csv] [--costs COSTS.csv --budget AMOUNT]
        [--points N --max-per-item M] [--items ITEMS.csv] [--lang en|da|de|cs]

The files are CSV in UTF-8 (a byte-order mark is fine) with a header row; line numbers count the
header as line 1:

    BALLOTS.csv   organisation,item,value   one row per organisation and item: the points, 1 for
                                            an approved item (0 for one left out), or the rank
    WEIGHTS.csv   organisation,weight       a plain decimal such as 111973.34 (without it: one
                                            each); organisations without a ballot are left out
    COSTS.csv     item,cost                 the budget methods: every item of the round with its
                                            cost, a plain decimal above 0
    ITEMS.csv     item                      points and Borda: every item of the round (without
                                            it: the items on the ballots). Borda needs it when an
                                            item nobody ranked is in the round, as n counts it

It prints CSV on standard output: `rank,item,score,funded`, highest score first; equal scores
share a rank (1, 2, 2, 4) and are listed by item id. The score is exact: the points, Borda
points or approvals times the weights, as a plain decimal without exponent or trailing zeros
(12, 335920.02); weights written as decimals always give such a decimal (a score that is no
decimal could only come from weights that are fractions, and would be printed as one, 7/3).
`funded` is yes or no for the budget methods, empty for the others. Who voted and, for the budget
methods, the money spent and left go to standard error.

A file that cannot be counted is refused: exit status 1, nothing on standard output, and every
problem found as `FILE:LINE: reason` on standard error (line 1 for the file as a whole: missing,
empty, or the wrong header).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from consortium import csvio
from consortium.backlog import counting
from consortium.backlog.counting import CountingError, Result, format_score
from consortium.backlog.problems import counting_problem
from consortium.config import LANGUAGES
from consortium.imports import csv_error_message

backlog_cli = AppGroup("backlog", help="Product backlogs and prioritisation rounds.")

BALLOT_COLUMNS = ("organisation", "item", "value")
WEIGHT_COLUMNS = ("organisation", "weight")
COST_COLUMNS = ("item", "cost")
ITEM_COLUMNS = ("item",)
OUTPUT_COLUMNS = ("rank", "item", "score", "funded")

# Item numbers and values fit a database's 64-bit integer; decimals have at most as many digits
# as the counting takes (counting.MAX_DIGITS) on either side of the point.
WHOLE = re.compile(r"[0-9]{1,18}")
NEGATIVE = re.compile(r"-\s*[0-9.,]+")
PLAIN_DECIMAL = re.compile(
    rf"[0-9]{{1,{counting.MAX_DIGITS}}}(?:\.[0-9]{{1,{counting.MAX_DIGITS}}})?"
)
FILE = click.Path(path_type=Path)


@dataclass(order=True)
class Problem:
    """What is wrong, and where: a file and a line of it."""

    order: int  # the file's place on the command line
    line: int
    file: str = field(compare=False)
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Problems:
    """Every problem found in the files, to list them all at once."""

    found: list[Problem] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)

    def add(self, file: str, line: int, message: str) -> None:
        order = self.files.setdefault(file, len(self.files))
        self.found.append(Problem(order, line, file, message))


@dataclass
class BallotFile:
    """The ballots read from their file, with the line of every value."""

    name: str
    ballots: dict[str, dict[int, int]] = field(default_factory=dict)
    lines: dict[tuple[str, int], int] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)
    # Organisations with a line that could not be read: their ballots are not checked further.
    unread: set[str] = field(default_factory=set)


@backlog_cli.command("tally")
@click.option(
    "--method",
    type=click.Choice(counting.METHODS),
    required=True,
    help="points, budget-greedy, equal-shares or borda.",
)
@click.option("--ballots", "ballots_path", type=FILE, required=True, help="organisation,item,value")
@click.option("--weights", "weights_path", type=FILE, help="organisation,weight (default: 1 each)")
@click.option("--costs", "costs_path", type=FILE, help="item,cost (the budget methods).")
@click.option("--budget", "budget_text", help="The round's budget, such as 250000.00.")
@click.option(
    "--points", type=click.IntRange(1, 10**9), help="The points each organisation distributes."
)
@click.option(
    "--max-per-item",
    type=click.IntRange(1, 10**9),
    help="The most points one organisation gives one item (default: all of them).",
)
@click.option("--items", "items_path", type=FILE, help="item: the round's items (points, Borda).")
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the messages.",
)
def tally(
    method: str,
    ballots_path: Path,
    weights_path: Path | None,
    costs_path: Path | None,
    budget_text: str | None,
    points: int | None,
    max_per_item: int | None,
    items_path: Path | None,
    language: str,
) -> None:
    """Count a prioritisation round from CSV files and print the ordered result as CSV."""
    with force_locale(language):
        budget = _check_options(method, costs_path, budget_text, points, max_per_item, items_path)
        problems = Problems()
        problems.files[str(ballots_path)] = 0
        weights = _read_weights(weights_path, problems) if weights_path else None
        costs = _read_costs(costs_path, problems) if costs_path else None
        items = _read_items(items_path, problems) if items_path else None
        others_read = not problems.found
        known_from = costs_path if costs is not None else items_path
        known = set(costs) if costs is not None else items
        if not others_read:  # a bad line of the costs or items names an item all the same
            known = None
        ballots = _read_ballots(ballots_path, known, known_from, method, problems)
        options = {
            "weights": weights,
            "items": items,
            "costs": costs,
            "budget": budget,
            "points": points,
            "max_per_item": max_per_item,
        }
        if ballots is not None and others_read:
            # Each ballot alone first, so that every bad ballot is named, not only the first.
            for organisation, ballot in ballots.ballots.items():
                if organisation in ballots.unread:
                    continue
                try:
                    counting.count(method, {organisation: ballot}, **options)  # type: ignore[arg-type]
                except CountingError as error:
                    _add_counting_problem(error, ballots, weights_path, points, problems)
        if problems.found:
            for problem in sorted(problems.found):
                click.echo(str(problem), err=True)
            raise click.exceptions.Exit(1)
        assert ballots is not None  # noqa: S101 - no problems means the ballots were read
        result = counting.count(method, ballots.ballots, **options)  # type: ignore[arg-type]
        click.echo(result_csv(result), nl=False)
        _summary(result, budget)


@backlog_cli.command("close-due")
def close_due() -> None:
    """Close every open round whose closing time has come, once, and print each round closed
    with the code of the group's decision; safe to run from cron every minute."""
    from consortium.backlog import services
    from consortium.extensions import db

    closed = services.close_due(commit_each=True)
    lines = [
        _(
            "Closed round #%(id)s %(title)s (%(product)s): decision %(decision)s",
            id=round_.id,
            title=round_.title,
            product=round_.product.name,
            decision=round_.decision.code if round_.decision is not None else "-",
        )
        for round_ in closed
    ]
    db.session.commit()
    for line in lines:
        click.echo(line)


def result_csv(result: Result) -> str:
    """The result as CSV: rank,item,score,funded."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for row in result.rows:
        funded = "" if row.funded is None else ("yes" if row.funded else "no")
        writer.writerow([row.rank, row.item, format_score(row.score), funded])
    return buffer.getvalue()


def _summary(result: Result, budget: Decimal | None) -> None:
    voters = len(result.voters)
    click.echo(
        ngettext("%(num)s organisation voted.", "%(num)s organisations voted.", voters),
        err=True,
    )
    if budget is not None and result.spent is not None and result.left is not None:
        click.echo(
            _(
                "Spent %(spent)s of the budget of %(budget)s; %(left)s left.",
                spent=_plain(result.spent),
                budget=_plain(budget),
                left=_plain(result.left),
            ),
            err=True,
        )


def _plain(amount: Decimal) -> str:
    return format_score(Fraction(amount))


def _check_options(
    method: str,
    costs_path: Path | None,
    budget_text: str | None,
    points: int | None,
    max_per_item: int | None,
    items_path: Path | None,
) -> Decimal | None:
    """The options the method needs, and none it does not use; the budget as an amount."""
    if method in counting.BUDGET_METHODS:
        if costs_path is None or budget_text is None:
            raise click.UsageError(
                _(
                    "The %(method)s method needs --costs COSTS.csv and --budget AMOUNT.",
                    method=method,
                )
            )
        if points is not None or max_per_item is not None:
            raise click.UsageError(_("--points and --max-per-item are for the points method."))
        if items_path is not None:
            raise click.UsageError(
                _("The items of a budget round are those in --costs; leave out --items.")
            )
        text = budget_text.strip()
        if not PLAIN_DECIMAL.fullmatch(text):
            raise click.UsageError(
                _("--budget must be an amount such as 250000.00, not %(value)s.", value=text)
            )
        return Decimal(text)
    if costs_path is not None or budget_text is not None:
        raise click.UsageError(
            _("--costs and --budget are for the methods budget-greedy and equal-shares.")
        )
    if method == counting.POINTS and points is None:
        raise click.UsageError(
            _("The points method needs --points N, the points each organisation distributes.")
        )
    if method != counting.POINTS and (points is not None or max_per_item is not None):
        raise click.UsageError(_("--points and --max-per-item are for the points method."))
    return None


def _read(
    path: Path, columns: tuple[str, ...], problems: Problems, amount: str | None = None
) -> list[tuple[int, dict[str, str]]] | None:
    """The rows of a file with the given header, or None with the problem noted; the column
    ``amount`` may have a decimal comma in a file separated by semicolons."""
    name = str(path)
    problems.files.setdefault(name, len(problems.files))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(name, 1, _("The file does not exist."))
        return None
    except OSError:
        problems.add(name, 1, _("The file cannot be read."))
        return None
    try:
        table = csvio.read(data)
    except csvio.CsvError as error:
        line = error.params.get("line", 1)
        problems.add(name, line if isinstance(line, int) else 1, str(csv_error_message(error)))
        return None
    if sorted(table.header) != sorted(columns):
        problems.add(
            name,
            1,
            _(
                "The header must be %(header)s, not %(found)s.",
                header=",".join(columns),
                found=",".join(table.header),
            ),
        )
        return None
    if amount is not None and csvio.decimal_mark_for(table.delimiter) == ",":
        return [
            (line, {**row, amount: row.get(amount, "").replace(",", ".")})
            for line, row in table.rows
        ]
    return table.rows


def _item(text: str, name: str, line: int, problems: Problems) -> int | None:
    if WHOLE.fullmatch(text) and int(text) > 0:
        return int(text)
    problems.add(
        name,
        line,
        _("The item must be an item number, such as 42, not %(value)s.", value=text or '""'),
    )
    return None


def _amount(text: str) -> Decimal | None:
    return Decimal(text) if PLAIN_DECIMAL.fullmatch(text) else None


def _read_weights(path: Path, problems: Problems) -> dict[str, Decimal] | None:
    rows = _read(path, WEIGHT_COLUMNS, problems, amount="weight")
    if rows is None:
        return None
    name = str(path)
    weights: dict[str, Decimal] = {}
    seen: dict[str, int] = {}
    for line, row in rows:
        organisation = row.get("organisation", "")
        text = row.get("weight", "")
        if not organisation:
            problems.add(name, line, _("The organisation is missing."))
            continue
        if organisation in seen:
            problems.add(
                name,
                line,
                _(
                    "%(organisation)s has a weight on line %(line)s already.",
                    organisation=organisation,
                    line=seen[organisation],
                ),
            )
            continue
        seen[organisation] = line
        weight = _amount(text)
        if weight is None:
            if NEGATIVE.fullmatch(text):
                problems.add(name, line, _("The weight must not be negative."))
            else:
                problems.add(
                    name,
                    line,
                    _(
                        "The weight must be a plain decimal number such as 111973.34, not %(value)s.",
                        value=text or '""',
                    ),
                )
            continue
        weights[organisation] = weight
    return weights


def _read_costs(path: Path, problems: Problems) -> dict[int, Decimal] | None:
    rows = _read(path, COST_COLUMNS, problems, amount="cost")
    if rows is None:
        return None
    name = str(path)
    costs: dict[int, Decimal] = {}
    seen: dict[int, int] = {}
    for line, row in rows:
        item = _item(row.get("item", ""), name, line, problems)
        if item is None:
            continue
        if item in seen:
            problems.add(
                name,
                line,
                _(
                    "Item %(item)s has a cost on line %(line)s already.",
                    item=item,
                    line=seen[item],
                ),
            )
            continue
        seen[item] = line
        text = row.get("cost", "")
        cost = _amount(text)
        if cost is None or cost == 0:
            if cost == 0 or NEGATIVE.fullmatch(text):
                problems.add(name, line, _("The cost must be more than 0."))
            else:
                problems.add(
                    name,
                    line,
                    _(
                        "The cost must be an amount such as 25000.50, not %(value)s.",
                        value=text or '""',
                    ),
                )
            continue
        costs[item] = cost
    return costs


def _read_items(path: Path, problems: Problems) -> set[int] | None:
    rows = _read(path, ITEM_COLUMNS, problems)
    if rows is None:
        return None
    name = str(path)
    items: dict[int, int] = {}
    for line, row in rows:
        item = _item(row.get("item", ""), name, line, problems)
        if item is None:
            continue
        if item in items:
            problems.add(
                name,
                line,
                _("Item %(item)s is listed on line %(line)s already.", item=item, line=items[item]),
            )
            continue
        items[item] = line
    return set(items)


def _read_ballots(
    path: Path,
    known: Iterable[int] | None,
    known_from: Path | None,
    method: str,
    problems: Problems,
) -> BallotFile | None:
    rows = _read(path, BALLOT_COLUMNS, problems)
    if rows is None:
        return None
    name = str(path)
    known_items = None if known is None else set(known)
    read = BallotFile(name)
    for line, row in rows:
        organisation = row.get("organisation", "")
        if not organisation:
            problems.add(name, line, _("The organisation is missing."))
            continue
        item = _item(row.get("item", ""), name, line, problems)
        value = _value(row.get("value", ""), name, line, problems)
        if item is None or value is None:
            read.unread.add(organisation)
            continue
        key = (organisation, item)
        if key in read.lines:
            problems.add(
                name,
                line,
                _(
                    "%(organisation)s has item %(item)s on line %(line)s already: "
                    "one value per item and organisation.",
                    organisation=organisation,
                    item=item,
                    line=read.lines[key],
                ),
            )
            read.unread.add(organisation)
            continue
        if known_items is not None and known_from is not None and item not in known_items:
            if method in counting.BUDGET_METHODS:
                message = _("Item %(item)s has no cost in %(file)s.", item=item, file=known_from)
            else:
                message = _("Item %(item)s is not in %(file)s.", item=item, file=known_from)
            problems.add(name, line, message)
            read.unread.add(organisation)
            continue
        read.lines[key] = line
        read.first_line.setdefault(organisation, line)
        read.ballots.setdefault(organisation, {})[item] = value
    return read


def _value(text: str, name: str, line: int, problems: Problems) -> int | None:
    if WHOLE.fullmatch(text):
        return int(text)
    if NEGATIVE.fullmatch(text):
        problems.add(name, line, _("The value must not be negative."))
    elif text.isdigit():
        problems.add(name, line, _("The value is too large."))
    else:
        problems.add(
            name,
            line,
            _(
                "The value must be a whole number (the points, 1 for approval or the rank), "
                "not %(value)s.",
                value=text or '""',
            ),
        )
    return None


def _add_counting_problem(
    error: CountingError,
    ballots: BallotFile,
    weights_path: Path | None,
    points: int | None,
    problems: Problems,
) -> None:
    """A ballot the counting refuses, named by the line it goes wrong on."""
    organisation = str(error.params.get("organisation", ""))
    item = error.params.get("item")
    line = ballots.first_line.get(organisation, 1)
    message = counting_problem(error)
    if error.code == counting.OVER_POINTS and points is not None:
        total = 0
        for (voter, _item_id), item_line in sorted(ballots.lines.items(), key=lambda kv: kv[1]):
            if voter == organisation:
                total += ballots.ballots[voter][_item_id]
                if total > points:
                    line = item_line
                    break
    elif error.code == counting.NO_WEIGHT and weights_path is not None:
        message = _(
            "%(organisation)s has no weight in %(file)s.",
            organisation=organisation,
            file=weights_path,
        )
    elif isinstance(item, int):
        line = ballots.lines.get((organisation, item), line)
    problems.add(ballots.name, line, message)
