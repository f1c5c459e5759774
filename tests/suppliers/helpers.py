"""Test data for the supplier register."""

from __future__ import annotations

from consortium.extensions import db
from consortium.products.models import Product
from consortium.suppliers import services


def product(name: str, status: str = "product") -> Product:
    """A product added directly: the products package owns its services."""
    found = Product(slug=name.lower().replace(" ", "-"), name=name, status=status)
    db.session.add(found)
    db.session.flush()
    return found


def registration(**changes) -> dict:
    """What a Danish company types into the public form."""
    data = {
        "name": "Magenta ApS",
        "country": "DK",
        "registration_number": "31 00 00 09",
        "address": "Pilestræde 43\n1112 København K",
        "contact_name": "Mads Magenta",
        "contact_email": "mads@magenta.example.dk",
        "service_types": ["development", "hosting"],
        "statement": "We build and host open source software for municipalities.",
        "language": "en",
        "code_of_conduct": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def supplier(name="Magenta ApS", number="31000009", country="DK", **changes):
    """A pending supplier, registered through the service."""
    values = {
        "name": name,
        "country": country,
        "registration_number": number,
        "address": "Pilestræde 43",
        "contact_name": f"Contact of {name}",
        "contact_email": f"contact@{name.split()[0].lower()}.example.dk",
        "service_types": ["development"],
        "product_ids": [],
        "statement": "",
        "language": "en",
    }
    values.update(changes)
    found = services.register_supplier(**values)
    db.session.commit()
    return found
