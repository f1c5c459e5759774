"""Mail, and the development outbox."""

from flask import Blueprint

bp = Blueprint("mail", __name__)
