"""The audit trail."""

from flask import Blueprint

bp = Blueprint("audit", __name__)
