"""Products: the shared software, its maturity level and its publiccode.yml."""

from flask import Blueprint

bp = Blueprint("products", __name__)
