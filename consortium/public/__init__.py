"""Public pages, without sign-in: the product catalogue, the members and the suppliers."""

from flask import Blueprint

bp = Blueprint("public", __name__)
