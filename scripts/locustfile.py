"""The load test's simulated users (Locust), run by scripts/loadtest.py (`make loadtest`).

Three kinds, one secretariat user for two member contacts and two anonymous visitors:
- the secretariat browses the organisation list and organisation pages, opens the year's fees
  preview, and approves pending join requests (two may approve the same one at once: the
  second is told it is no longer pending);
- member contacts read their organisation's expected fees, download its PDF, and ask to join
  a product (which the secretariat then approves);
- anonymous visitors read the public catalogue and product pages.

Each request is named after its page (PAGES), so Locust's statistics come per page. What the
users sign in with and which organisations and products exist is read from the JSON file named
by LOADTEST_DATA, written by scripts/loadtest.py once the register is built. Every write the
app answered as done (a join request sent, a request approved) is added to the file named by
LOADTEST_LEDGER, so that the load test can check that each is in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date

from locust import HttpUser, between, task

# Every page the users open, by the name it has in the report; {…} are filled in per request.
PAGES = {
    "sign in: form": "/sign-in",
    "sign in": "/sign-in",
    "home": "/",
    "organisation list": "/organisations/?page={page}",
    "organisation page": "/organisations/{organisation}",
    "fees preview": "/fees/preview?year={year}&page={page}",
    "join requests": "/participation/requests",
    "approve: confirm": "/participation/requests/{request}/approve/confirm",
    "approve": "/participation/requests/{request}/approve",
    "expected fees": "/fees/organisations/{organisation}/expected",
    "expected fees PDF": "/fees/organisations/{organisation}/expected.pdf",
    "ask to join: form": "/participation/organisations/{organisation}/join",
    "ask to join": "/participation/organisations/{organisation}/join",
    "my products": "/participation/mine",
    "public catalogue": "/public/products",
    "public product page": "/public/products/{product}",
}
# The pages sent a form (POST); the others are read (GET).
POSTED = {"sign in", "approve", "ask to join"}
# Sample values for every placeholder (the test that the pages exist fills them in).
SAMPLE = {"page": 1, "organisation": 1, "year": 2026, "request": 1, "product": "a-product"}

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REQUEST_LINK = re.compile(r'href="/participation/requests/(\d+)"')
PRODUCT_SELECT = re.compile(r'<select[^>]*name="product"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="(\d+)"')


def _data() -> dict:
    path = os.environ.get("LOADTEST_DATA")
    if not path:
        return {
            "secretariat": {"email": "", "password": ""},
            "contacts": [],
            "organisations": [1, 1],
            "products": ["a-product"],
        }
    with open(path, encoding="utf-8") as file:
        return json.load(file)


DATA = _data()
# Each contact user signs in as the next contact in turn.
_next_contact = itertools.count()


def confirm(kind: str, **values: object) -> None:
    """Note a write the app answered as done."""
    path = os.environ.get("LOADTEST_LEDGER")
    if path:
        with open(path, "a", encoding="utf-8") as ledger:
            ledger.write(json.dumps({"kind": kind, **values}) + "\n")


def url(page: str, **values: object) -> str:
    return PAGES[page].format(**values)


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


class Visitor(HttpUser):
    """What every simulated user does: open a page under its name, sign in."""

    abstract = True
    wait_time = between(0.5, 2.5)

    def open(self, page: str, **values: object):
        if page in POSTED:
            raise ValueError(f"{page} is sent, not opened")
        return self.client.get(url(page, **values), name=page)

    def send(self, page: str, form: dict, **values: object):
        if page not in POSTED:
            raise ValueError(f"{page} is opened, not sent")
        return self.client.post(url(page, **values), data=form, name=page)

    def sign_in(self, login: dict) -> None:
        token = csrf_token(self.open("sign in: form").text)
        email = login["email"]
        with self.client.post(
            url("sign in"),
            data={"csrf_token": token, "email": email, "password": login["password"], "next": ""},
            name="sign in",
            catch_response=True,
        ) as response:
            if response.url and response.url.endswith("/sign-in"):
                response.failure(f"{email} could not sign in")

    def organisation(self) -> int:
        first, last = DATA["organisations"]
        return random.randint(first, last)  # noqa: S311 - a simulated user's choice


class Secretariat(Visitor):
    weight = 1

    def on_start(self) -> None:
        self.sign_in(DATA["secretariat"])

    @task(6)
    def organisation_list(self) -> None:
        pages = max(1, (DATA["organisations"][1] - DATA["organisations"][0] + 1) // 100)
        self.open("organisation list", page=random.randint(1, pages))  # noqa: S311

    @task(8)
    def organisation_page(self) -> None:
        self.open("organisation page", organisation=self.organisation())

    @task(1)
    def fees_preview(self) -> None:
        self.open("fees preview", year=date.today().year, page=random.randint(1, 5))  # noqa: S311

    @task(3)
    def approve_a_join_request(self) -> None:
        found = REQUEST_LINK.findall(self.open("join requests").text)
        if not found:
            return
        # The list shows the pending requests first; another secretariat user may be
        # approving the same one.
        request_id = random.choice(found[:3])  # noqa: S311
        page = self.open("approve: confirm", request=request_id)
        if page.history:
            return  # no longer pending: the page sent us back to the request
        answer = self.send("approve", {"csrf_token": csrf_token(page.text)}, request=request_id)
        if answer.ok and answer.url.endswith("/participation/requests"):
            confirm("approve", request=int(request_id))
        elif answer.ok:
            confirm("approve refused", request=int(request_id))


class Contact(Visitor):
    weight = 2

    def on_start(self) -> None:
        contacts = DATA["contacts"]
        self.login = contacts[next(_next_contact) % len(contacts)] if contacts else None
        if self.login:
            self.sign_in(self.login)

    @task(4)
    def expected_fees(self) -> None:
        if self.login:
            self.open("expected fees", organisation=self.login["organisation"])

    @task(2)
    def expected_fees_pdf(self) -> None:
        if self.login:
            self.open("expected fees PDF", organisation=self.login["organisation"])

    @task(1)
    def my_products(self) -> None:
        self.open("my products")

    @task(2)
    def ask_to_join(self) -> None:
        if not self.login:
            return
        organisation = self.login["organisation"]
        form = self.open("ask to join: form", organisation=organisation).text
        select = PRODUCT_SELECT.search(form)
        products = OPTION.findall(select.group(1)) if select else []
        if not products:
            return  # it takes part in every product, or has asked to join each
        product = int(random.choice(products))  # noqa: S311
        answer = self.send(
            "ask to join",
            {
                "csrf_token": csrf_token(form),
                "product": product,
                "phase": "agreement",
                "starts_on": date(date.today().year + 1, 1, 1).isoformat(),
                "billing_identity": "",
                "amount_per_year": "",
                "message": "Asked during the load test.",
            },
            organisation=organisation,
        )
        if answer.ok and answer.url.endswith("/participation/mine"):
            confirm("join", organisation=organisation, product=product)


class Anonymous(Visitor):
    weight = 2

    @task(2)
    def catalogue(self) -> None:
        self.open("public catalogue")

    @task(3)
    def product_page(self) -> None:
        self.open("public product page", product=random.choice(DATA["products"]))  # noqa: S311
