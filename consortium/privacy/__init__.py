"""Personal data: what the app keeps about people, a person's export, anonymisation."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
