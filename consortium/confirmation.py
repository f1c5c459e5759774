"""The page that stands between a record's button and an action that cannot be taken back.

The record page links (GET) to a confirmation page, which names the record, says in plain words
what will happen (amounts, how many invoices get numbers, who is mailed) and holds the POST form
with its CSRF token; "Cancel" goes back to the record. A GET never changes anything. Every such
action uses this one helper and the one template, ``confirm.html``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template


def confirmation_page(
    *,
    title: str,
    record: str,
    consequences: Iterable[str],
    action_url: str,
    cancel_url: str,
    button: str,
    irreversible: bool = True,
    form=None,
    fields: Iterable = (),
    danger: bool = False,
    status: int = 200,
):
    """The confirmation page of one action.

    ``title`` asks the question ("Approve the budget?"), ``record`` names the record it acts
    on, ``consequences`` are the sentences saying what will happen. ``form`` (a Flask-WTF form)
    carries the CSRF token and ``fields`` of it the page asks for, such as a reason; without a
    form the page writes the token itself. ``danger`` marks a button that rejects, cancels or
    removes.
    """
    page = render_template(
        "confirm.html",
        title=title,
        record=record,
        consequences=[text for text in consequences if text],
        action_url=action_url,
        cancel_url=cancel_url,
        button=button,
        irreversible=irreversible,
        form=form,
        fields=list(fields),
        danger=danger,
    )
    return page, status
