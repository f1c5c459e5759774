"""`flask backlog tally`: the result of a round from CSV files, byte for byte, and every bad
file refused with `FILE:LINE: reason`, exit status 1 and nothing on standard output."""

from __future__ import annotations

import pytest

BALLOTS = "organisation,item,value\n"


@pytest.fixture
def files(tmp_path):
    """Write CSV files into a temporary folder; return their paths as text."""

    def write(name: str, text: str | bytes) -> str:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def tally(runner, *args: str):
    return runner.invoke(args=["backlog", "tally", *args])


def refused(result, *lines: str) -> None:
    """Refused with exactly these problems, nothing printed on standard output."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == list(lines)


def test_points_weighted_by_cost_share(runner, files):
    ballots = files(
        "ballots.csv",
        BALLOTS + "Aarhus,11,3\nAarhus,12,2\nOdense,12,5\nVejle,13,4\nVejle,11,1\n",
    )
    weights = files(
        "weights.csv", "organisation,weight\nAarhus,111973.34\nOdense,0.1\nVejle,2.50\nRanders,9\n"
    )
    result = tally(
        runner, "--method", "points", "--ballots", ballots, "--weights", weights, "--points", "5"
    )
    assert result.exit_code == 0, result.output
    # 11: 3 x 111973.34 + 1 x 2.5 = 335922.52; 12: 2 x 111973.34 + 5 x 0.1 = 223947.18;
    # 13: 4 x 2.5 = 10. Randers cast no ballot: its weight is left out.
    assert result.stdout == ("rank,item,score,funded\n1,11,335922.52,\n2,12,223947.18,\n3,13,10,\n")
    assert result.stderr == "3 organisations voted.\n"


def test_ties_share_a_rank_and_list_by_item_id(runner, files):
    ballots = files(
        "ballots.csv",
        BALLOTS + "A,4,2\nA,3,1\nB,2,2\nB,1,3\nC,3,1\n",
    )
    result = tally(runner, "--method", "points", "--ballots", ballots, "--points", "5")
    assert result.stdout == "rank,item,score,funded\n1,1,3,\n2,2,2,\n2,3,2,\n2,4,2,\n"


def test_points_of_an_item_list_with_items_nobody_voted_for(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,2,3\n")
    items = files("items.csv", "item\n1\n2\n3\n")
    result = tally(
        runner, "--method", "points", "--ballots", ballots, "--points", "3", "--items", items
    )
    assert result.stdout == "rank,item,score,funded\n1,2,3,\n2,1,0,\n2,3,0,\n"


def test_borda_counts_the_round_items_also_unranked(runner, files):
    # n = 4 (from the items file): rank 1 scores 3, rank 2 scores 2, unranked 0.
    ballots = files("ballots.csv", BALLOTS + "Aarhus,1,1\nAarhus,2,2\nOdense,2,1\nOdense,3,2\n")
    weights = files("weights.csv", "organisation,weight\nAarhus,2\nOdense,1.5\n")
    items = files("items.csv", "item\n1\n2\n3\n4\n")
    result = tally(
        runner,
        *("--method", "borda", "--ballots", ballots, "--weights", weights, "--items", items),
    )
    # 1: 3 x 2 = 6; 2: 2 x 2 + 3 x 1.5 = 8.5; 3: 2 x 1.5 = 3; 4: 0
    assert result.stdout == "rank,item,score,funded\n1,2,8.5,\n2,1,6,\n3,3,3,\n4,4,0,\n"


APPROVALS = BALLOTS + "A,1,1\nA,2,1\nB,1,1\nB,2,1\nC,1,1\nC,2,1\nD,3,1\n"
COSTS = "item,cost\n1,100.00\n2,100.00\n3,100.00\n"


def test_budget_greedy_funds_the_most_approved_that_fit(runner, files):
    ballots = files("ballots.csv", APPROVALS)
    costs = files("costs.csv", COSTS)
    result = tally(
        runner,
        *("--method", "budget-greedy", "--ballots", ballots, "--costs", costs),
        *("--budget", "250.50"),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "rank,item,score,funded\n1,1,3,yes\n1,2,3,yes\n3,3,1,no\n"
    assert result.stderr == (
        "4 organisations voted.\nSpent 200 of the budget of 250.5; 50.5 left.\n"
    )


def test_equal_shares_gives_the_minority_its_share(runner, files):
    ballots = files("ballots.csv", APPROVALS)
    costs = files("costs.csv", COSTS)
    weights = files("weights.csv", "organisation,weight\nA,1\nB,1\nC,1\nD,3\n")
    result = tally(
        runner,
        *("--method", "equal-shares", "--ballots", ballots, "--costs", costs),
        *("--budget", "200", "--weights", weights),
    )
    # D holds half of the budget (weight 3 of 6) and buys item 3; A, B and C buy item 1.
    assert result.stdout == "rank,item,score,funded\n1,1,3,yes\n1,2,3,no\n1,3,3,yes\n"
    assert result.stderr.endswith("Spent 200 of the budget of 200; 0 left.\n")
    result = tally(
        runner,
        *("--method", "equal-shares", "--ballots", ballots, "--costs", costs),
        *("--budget", "200"),
    )
    assert result.stdout == "rank,item,score,funded\n1,1,3,yes\n1,2,3,no\n3,3,1,no\n"
    assert result.stderr.endswith("Spent 100 of the budget of 200; 100 left.\n")


def test_a_byte_order_mark_and_semicolons_from_excel_are_read(runner, files):
    ballots = files("ballots.csv", b"\xef\xbb\xbforganisation;item;value\r\nAarhus;1;1\r\n")
    weights = files("weights.csv", b"organisation;weight\nAarhus;1,5\n")
    costs = files("costs.csv", b"\xef\xbb\xbfitem;cost\r\n1;10,25\r\n")
    result = tally(
        runner,
        *("--method", "budget-greedy", "--ballots", ballots, "--costs", costs),
        *("--budget", "20", "--weights", weights),
    )
    assert result.stdout == "rank,item,score,funded\n1,1,1.5,yes\n"
    assert result.stderr.endswith("Spent 10.25 of the budget of 20; 9.75 left.\n")


def test_every_bad_line_of_a_ballot_file_is_named(runner, files):
    ballots = files(
        "ballots.csv",
        BALLOTS
        + "Aarhus,1,3\n"  # 2
        + "Aarhus,1,1\n"  # 3: the same item twice
        + "Odense,x,1\n"  # 4: no item number
        + "Odense,2,-1\n"  # 5: negative
        + "Odense,3,two\n"  # 6: not a number
        + ",3,1\n"  # 7: no organisation
        + "Vejle,1,3\n"  # 8
        + "Vejle,2,3\n",  # 9: over the points
    )
    result = tally(runner, "--method", "points", "--ballots", ballots, "--points", "5")
    refused(
        result,
        f"{ballots}:3: Aarhus has item 1 on line 2 already: one value per item and organisation.",
        f"{ballots}:4: The item must be an item number, such as 42, not x.",
        f"{ballots}:5: The value must not be negative.",
        f"{ballots}:6: The value must be a whole number (the points, 1 for approval or the "
        "rank), not two.",
        f"{ballots}:7: The organisation is missing.",
        f"{ballots}:9: Vejle gives 6 points in all, more than the 5 points each organisation has.",
    )
    ballots = files("ballots.csv", BALLOTS + "Aarhus,1,3\nVejle,1,3\nVejle,2,3\nVejle,3,3\n")
    refused(
        tally(runner, "--method", "points", "--ballots", ballots, "--points", "5"),
        f"{ballots}:4: Vejle gives 9 points in all, more than the 5 points each organisation has.",
    )


def test_a_cap_per_item_is_kept(runner, files):
    ballots = files("ballots.csv", BALLOTS + "Aarhus,1,2\nOdense,1,1\nOdense,2,3\n")
    result = tally(
        runner,
        *("--method", "points", "--ballots", ballots, "--points", "5", "--max-per-item", "2"),
    )
    refused(
        result,
        f"{ballots}:4: Odense gives item 2 3 points, more than the 2 points one item may get.",
    )


def test_ranks_must_be_1_to_k(runner, files):
    ballots = files(
        "ballots.csv",
        BALLOTS + "A,1,1\nA,2,1\nB,1,1\nB,2,3\nC,1,0\nD,1,2\nD,2,1\n",
    )
    refused(
        tally(runner, "--method", "borda", "--ballots", ballots),
        f"{ballots}:3: A gives rank 1 to both item 1 and item 2: each rank once.",
        f"{ballots}:5: B ranks item 2 3 but no item 2: ranks go 1, 2, 3 … without gaps.",
        f"{ballots}:6: C ranks item 1 0: ranks start at 1.",
    )


def test_approvals_are_1_and_items_need_a_cost(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,1,1\nA,7,1\nB,1,2\n")
    costs = files("costs.csv", COSTS)
    refused(
        tally(
            runner,
            *("--method", "equal-shares", "--ballots", ballots, "--costs", costs),
            *("--budget", "100"),
        ),
        f"{ballots}:3: Item 7 has no cost in {costs}.",
        f"{ballots}:4: B gives item 1 2: an approval is 1 (or 0 for no).",
    )


def test_an_item_not_in_the_items_file_is_refused(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,1,1\nA,9,2\n")
    items = files("items.csv", "item\n1\n2\n")
    refused(
        tally(runner, "--method", "borda", "--ballots", ballots, "--items", items),
        f"{ballots}:3: Item 9 is not in {items}.",
    )


def test_bad_weights_and_costs_are_named_by_line(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,1,1\nB,2,1\nC,2,1\n")
    weights = files(
        "weights.csv",
        "organisation,weight\nA,-2\nB,1e3\nA,1\nC,1" + "0" * 31 + "\n",
    )
    costs = files("costs.csv", "item,cost\n1,0\n2,abc\n1,5\n")
    refused(
        tally(
            runner,
            *("--method", "budget-greedy", "--ballots", ballots, "--costs", costs),
            *("--budget", "100", "--weights", weights),
        ),
        f"{weights}:2: The weight must not be negative.",
        f"{weights}:3: The weight must be a plain decimal number such as 111973.34, not 1e3.",
        f"{weights}:4: A has a weight on line 2 already.",
        f"{weights}:5: The weight must be a plain decimal number such as 111973.34, not "
        f"1{'0' * 31}.",
        f"{costs}:2: The cost must be more than 0.",
        f"{costs}:3: The cost must be an amount such as 25000.50, not abc.",
        f"{costs}:4: Item 1 has a cost on line 2 already.",
    )


def test_an_organisation_without_a_weight_is_named(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,1,1\nB,1,1\n")
    weights = files("weights.csv", "organisation,weight\nA,1\n")
    refused(
        tally(runner, "--method", "borda", "--ballots", ballots, "--weights", weights),
        f"{ballots}:3: B has no weight in {weights}.",
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            "organisation,item\nA,1\n",
            "The header must be organisation,item,value, not organisation,item.",
        ),
        (
            "org,item,value\nA,1,1\n",
            "The header must be organisation,item,value, not org,item,value.",
        ),
        (
            "organisation,item,value,note\nA,1,1,x\n",
            "The header must be organisation,item,value, not organisation,item,value,note.",
        ),
        ("", "The file is empty."),
        ("\n\n", "The file is empty."),
    ],
)
def test_a_wrong_header_or_an_empty_file_is_refused(runner, files, content, reason):
    ballots = files("ballots.csv", content)
    refused(tally(runner, "--method", "borda", "--ballots", ballots), f"{ballots}:1: {reason}")


def test_a_header_in_another_order_is_read(runner, files):
    ballots = files("ballots.csv", "value,organisation,item\n1,A,5\n")
    result = tally(runner, "--method", "borda", "--ballots", ballots)
    assert result.stdout == "rank,item,score,funded\n1,5,0,\n"


def test_nul_bytes_and_control_characters_are_refused(runner, files):
    ballots = files("ballots.csv", b"organisation,item,value\nA,1,1\nB\x00,1,1\n")
    result = tally(runner, "--method", "borda", "--ballots", ballots)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{ballots}:3: Contains a character that is not allowed")


def test_a_file_in_utf16_is_refused(runner, files):
    ballots = files("ballots.csv", "organisation,item,value\nA,1,1\n".encode("utf-16"))
    result = tally(runner, "--method", "borda", "--ballots", ballots)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{ballots}:1: The file is not in a character set")


def test_a_missing_file_is_refused(runner, files, tmp_path):
    missing = str(tmp_path / "nowhere.csv")
    refused(
        tally(runner, "--method", "borda", "--ballots", missing),
        f"{missing}:1: The file does not exist.",
    )
    refused(
        tally(runner, "--method", "borda", "--ballots", str(tmp_path)),
        f"{tmp_path}:1: The file cannot be read.",
    )


def test_huge_values_are_refused_not_crashed_on(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,1," + "9" * 40 + "\nA,99999999999999999999,1\n")
    refused(
        tally(runner, "--method", "points", "--ballots", ballots, "--points", "5"),
        f"{ballots}:2: The value is too large.",
        f"{ballots}:3: The item must be an item number, such as 42, not 99999999999999999999.",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "points"], "The points method needs --points N"),
        (["--method", "equal-shares"], "The equal-shares method needs --costs COSTS.csv and"),
        (["--method", "budget-greedy", "--costs", "c.csv"], "needs --costs COSTS.csv and --budget"),
        (["--method", "borda", "--budget", "5"], "--costs and --budget are for the methods"),
        (["--method", "borda", "--points", "5"], "--points and --max-per-item are for the points"),
        (
            ["--method", "equal-shares", "--costs", "c.csv", "--budget", "-5"],
            "--budget must be an amount such as 250000.00, not -5.",
        ),
    ],
)
def test_the_options_each_method_needs(runner, files, args, message):
    ballots = files("ballots.csv", BALLOTS)
    result = tally(runner, "--ballots", ballots, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_messages_in_the_readers_language(runner, files):
    ballots = files("ballots.csv", BALLOTS + "A,1,-1\n")
    result = tally(runner, "--method", "borda", "--ballots", ballots, "--lang", "da")
    assert result.exit_code == 1
    assert result.stderr == f"{ballots}:2: Værdien må ikke være negativ.\n"
