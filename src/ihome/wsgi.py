"""The WSGI entry point for gunicorn: ``gunicorn ihome.wsgi:app``."""

from ihome import create_app

app = create_app()
