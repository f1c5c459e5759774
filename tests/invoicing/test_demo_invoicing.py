"""The demo association has this year's invoicing run in draft, ready to review and issue."""

from __future__ import annotations

from datetime import date

from consortium.extensions import db
from consortium.invoicing import runs
from consortium.invoicing.models import DRAFT, RUN_DRAFT
from tests.test_demo import demo_app  # noqa: F401  (the demo, loaded once)


def test_the_demo_has_this_years_run_in_draft(demo_app):  # noqa: F811
    with demo_app.app_context():
        run = runs.open_run(date.today().year)
        assert run is not None and run.status == RUN_DRAFT
        assert run.invoices and {invoice.status for invoice in run.invoices} == {DRAFT}
        summary = runs.run_summary(run)
        assert summary.totals["membership"] > 0 and summary.totals["product"] > 0
        db.session.rollback()
