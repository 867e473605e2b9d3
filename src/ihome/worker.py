"""The Celery entry point: ``celery -A ihome.worker:celery worker``."""

from ihome import create_app

app = create_app()
celery = app.extensions["celery"]
