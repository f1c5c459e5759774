"""The WSGI entry point for a production server, such as `gunicorn wsgi:app`."""

from consortium import create_app

app = create_app()
