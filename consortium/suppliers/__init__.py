"""Suppliers: registration, vetting by the secretariat and supplier agreements."""

from flask import Blueprint

bp = Blueprint("suppliers", __name__)
