"""Firing one action from several connections at the same moment, as users racing each other do.

Each thread has its own test client; every request runs in its own app context and so with its
own database session and connection. A threading.Barrier releases them together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import has_app_context

from consortium.extensions import db
from tests.conftest import PASSWORD, login


@dataclass
class Outcome:
    """One thread's answer: the response, or the exception a server error would have been."""

    status: int
    text: str
    error: BaseException | None = None


def _let_go() -> None:
    """End the test's own transaction: on SQLite every transaction holds the write lock."""
    if has_app_context():
        db.session.commit()


def signed_in_clients(app, email: str, n: int, password: str = PASSWORD) -> list:
    """n test clients of the app, each signed in as the user with that email."""
    _let_go()
    clients = []
    for _ in range(n):
        client = app.test_client()
        assert login(client, email, password).status_code == 302
        clients.append(client)
    return clients


def fire_at_once(n: int, action: Callable[[int], object], timeout: float = 120) -> list[Outcome]:
    """Run action(0) … action(n - 1) in n threads released at the same moment.

    ``action`` returns a test client's response; an exception raised by the app (a 500 in
    production) is kept as the outcome's error instead of stopping the other threads.
    """
    _let_go()
    barrier = threading.Barrier(n)
    outcomes: list[Outcome | None] = [None] * n

    def run(index: int) -> None:
        try:
            barrier.wait(timeout)
            response = action(index)
            outcomes[index] = Outcome(response.status_code, response.get_data(as_text=True))
        except BaseException as exc:  # noqa: BLE001 - reported by the test as a server error
            outcomes[index] = Outcome(500, "", exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert all(outcome is not None for outcome in outcomes), "an action did not finish in time"
    return outcomes  # type: ignore[return-value]


def assert_no_server_error(outcomes: list[Outcome]) -> None:
    errors = [outcome for outcome in outcomes if outcome.status >= 500]
    assert not errors, f"server errors: {[repr(outcome.error) for outcome in errors]}"


def count_saying(outcomes: list[Outcome], text: str) -> int:
    """How many of the pages shown afterwards say the text."""
    return sum(text in outcome.text for outcome in outcomes)
