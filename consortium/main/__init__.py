"""The home page and the language switcher."""

from flask import Blueprint

bp = Blueprint("main", __name__)
