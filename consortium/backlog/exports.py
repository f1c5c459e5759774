"""A backlog and a closed round's result as CSV and JSON, for a spreadsheet or the supplier's
tracker.

Column names and codes are fixed English keys (a tracker reads them, whatever the reader's
language); CSV cells that a spreadsheet would run as formulas are neutralised. A round's result
has the columns of `flask backlog tally` (rank, item, score, funded) and the item's title, so
that anyone can check it against the command's output.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from consortium import csvio
from consortium.backlog import queries
from consortium.backlog.models import BacklogItem, PrioritisationRound

ITEM_COLUMNS = (
    "id",
    "title",
    "type",
    "category",
    "status",
    "organisation",
    "estimate",
    "currency",
    "hours",
    "priority_rank",
    "rejection_reason",
    "links",
    "created_at",
)
RESULT_COLUMNS = ("rank", "item", "score", "funded", "title")


def _item_record(item: BacklogItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "type": item.type,
        "category": item.category,
        "status": item.status,
        "organisation": item.organisation.name if item.organisation is not None else "",
        "estimate": str(item.estimate) if item.estimate is not None else None,
        "currency": item.estimate_currency,
        "hours": str(item.estimate_hours) if item.estimate_hours is not None else None,
        "priority_rank": item.priority_rank,
        "rejection_reason": item.rejection_reason,
        "links": [{"label": link.label, "url": link.url} for link in item.links],
        "created_at": item.created_at.isoformat(),
    }


def items_csv(items: Sequence[BacklogItem], delimiter: str = ",") -> bytes:
    """The items as a CSV file (links as "label <url>" separated by new lines)."""
    rows = []
    for item in items:
        record = _item_record(item)
        record["links"] = "\n".join(f"{link['label']} <{link['url']}>" for link in record["links"])
        rows.append([record[column] for column in ITEM_COLUMNS])
    return csvio.write(ITEM_COLUMNS, rows, delimiter)


def items_json(items: Sequence[BacklogItem]) -> str:
    """The items as a JSON list of objects."""
    return json.dumps([_item_record(item) for item in items], ensure_ascii=False, indent=2)


def _funded(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def result_csv(round_: PrioritisationRound, delimiter: str = ",") -> bytes:
    """A closed round's result in order: rank,item,score,funded,title (empty before it closes)."""
    rows = [
        [row.rank, row.item_id, row.score, _funded(row.funded), row.item.title]
        for row in round_.results
    ]
    return csvio.write(RESULT_COLUMNS, rows, delimiter)


def result_json(round_: PrioritisationRound) -> str:
    """A closed round's result with its settings, turnout and decision, as JSON."""
    turnout = queries.turnout(round_)
    data = {
        "round": round_.id,
        "title": round_.title,
        "product": round_.product.slug,
        "method": round_.method,
        "weighting": round_.weighting,
        "points": round_.points_total,
        "max_per_item": round_.max_per_item,
        "budget": str(round_.budget) if round_.budget is not None else None,
        "budget_left": str(round_.budget_left) if round_.budget_left is not None else None,
        "currency": round_.currency,
        "status": round_.status,
        "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
        "decision": round_.decision.code if round_.decision is not None else None,
        "voted": [organisation.name for organisation in turnout.voted],
        "not_voted": [organisation.name for organisation in turnout.not_voted],
        "weights": [
            {
                "organisation": weight.organisation.name,
                "weight": format(weight.weight.normalize(), "f"),
                "source": weight.source,
                "basis": weight.basis,
            }
            for weight in round_.weights
        ],
        "result": [
            {
                "rank": row.rank,
                "item": row.item_id,
                "title": row.item.title,
                "score": row.score,
                "funded": row.funded,
            }
            for row in round_.results
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
