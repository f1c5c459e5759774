"""Groups: the board, the general assembly and each product's committees, with their members."""

from flask import Blueprint

bp = Blueprint("groups", __name__)
