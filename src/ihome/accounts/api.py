"""The accounts JSON API under /api/v1.0."""

from apiflask import APIBlueprint, APIFlask

bp = APIBlueprint("accounts_api", __name__, url_prefix="/api/v1.0", tag="Accounts")


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
