"""The member register: organisations, populations, size tiers, billing identities, membership."""

from flask import Blueprint

bp = Blueprint("members", __name__)
