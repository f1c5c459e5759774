"""Participation: organisations' commitments and participation agreements for products."""

from flask import Blueprint

bp = Blueprint("participation", __name__)
