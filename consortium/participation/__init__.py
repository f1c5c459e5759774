"""Participation: organisations' commitments and participation agreements for products."""

from flask import Blueprint

# `flask participations import` lives on this blueprint.
bp = Blueprint("participation", __name__, cli_group="participations")
