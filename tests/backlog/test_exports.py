"""A backlog and a round's result leave the app as CSV and JSON that a spreadsheet opens safely
and a tracker (or `flask backlog tally`) reads back."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from consortium.backlog import exports, queries, services
from consortium.extensions import db
from tests.backlog.conftest import NOW, accepted_items, open_round


def _rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_backlog_exports_with_formulas_neutralised_and_links_kept(world):
    item = services.submit_item(
        world.product,
        by=world.anna,
        organisation=world.aarhus,
        title='=HYPERLINK("http://evil.example")',
        category="Signing",
    )
    services.add_link(item, label="Issue 12", url="https://github.com/OS2Forms/os2forms/issues/12")
    services.estimate_item(item, amount="1234.5", hours="10", by=world.supplier_user)
    db.session.commit()
    rows = _rows(exports.items_csv(queries.items(world.product), ";"), ";")
    assert rows[0][:5] == ["id", "title", "type", "category", "status"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["title"] == '\'=HYPERLINK("http://evil.example")'
    assert record["estimate"] == "1234.50"
    assert record["organisation"] == "Aarhus Kommune"
    assert record["links"] == "Issue 12 <https://github.com/OS2Forms/os2forms/issues/12>"

    data = json.loads(exports.items_json(queries.items(world.product)))
    assert data[0]["title"] == '=HYPERLINK("http://evil.example")'
    assert data[0]["links"] == [
        {"label": "Issue 12", "url": "https://github.com/OS2Forms/os2forms/issues/12"}
    ]


def test_a_closed_rounds_result_exports_in_the_tally_commands_columns(world):
    first, second = accepted_items(world, 2, estimate="100")
    round_ = open_round(world, [first, second], method="equal-shares", budget="250")
    services.cast_ballot(round_, world.aarhus, {first.id: 1, second.id: 1}, world.anna, now=NOW)
    services.cast_ballot(round_, world.odense, {second.id: 1}, world.olga, now=NOW)
    services.close_round(round_, by=world.chair, now=NOW + timedelta(hours=1))
    db.session.commit()

    rows = _rows(exports.result_csv(round_))
    assert rows == [
        ["rank", "item", "score", "funded", "title"],
        ["1", str(second.id), "2", "yes", "Wish 2"],
        ["2", str(first.id), "1", "no", "Wish 1"],
    ]
    data = json.loads(exports.result_json(round_))
    assert data["method"] == "equal-shares"
    assert data["decision"] == round_.decision.code
    assert data["voted"] == ["Aarhus Kommune", "Odense Kommune"]
    assert data["weights"][0] == {
        "organisation": "Aarhus Kommune",
        "weight": "1",
        "source": "equal",
        "basis": "",
    }
    assert [row["item"] for row in data["result"]] == [second.id, first.id]
    assert data["budget_left"] == str(round_.budget_left)
