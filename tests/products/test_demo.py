"""The demo's products: every status, and every level reached once the other demos are in."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from consortium.extensions import db
from consortium.products import publiccode, publiccode_rules, queries
from consortium.products.models import Product
from tests.conftest import login


def test_the_demo_products_reach_every_level(in_demo):
    # The demo loads the products, then the suppliers, groups and participations the
    # data-checked requirements read.
    products = db.session.scalars(select(Product)).all()
    assert len(products) >= 10
    assert set(Counter(p.status for p in products)) == {"idea", "project", "product", "retired"}
    assert all({d.language for d in p.descriptions} >= {"en", "da"} for p in products)
    reached = {p.slug: queries.assess(p).reached for p in products}
    assert set(reached.values()) == {None, "sandbox", "N1", "N2", "N3"}, reached
    assert reached["os2forms"] == "N3"
    assert reached["os2kitos"] == "N1"  # decided N2, but a yellow rating is not accepted
    assert sum(len(p.level_decisions) for p in products) >= 10


def test_every_demo_product_exports_a_valid_publiccode_yml(in_demo):
    client = in_demo.test_client()
    slugs = db.session.scalars(select(Product.slug)).all()
    db.session.rollback()  # the requests write (sessions, attempts) in their own transactions
    assert login(client, "secretariat@demo.example.org", "demo-secretariat-2026").status_code == 302
    problems = {}
    for slug in slugs:
        for url in (f"/products/{slug}/publiccode.yml", f"/public/products/{slug}/publiccode.yml"):
            response = client.get(url)
            assert response.status_code == 200, url
            findings = publiccode_rules.validate(publiccode.parse(response.data))
            if findings:
                problems[url] = [(f.key, f.code) for f in findings]
    assert problems == {}
    for slug in slugs:
        page = client.get(f"/products/{slug}").get_data(as_text=True)
        assert "What keeps this product" not in page, slug
