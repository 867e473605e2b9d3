"""The orders JSON API under /api/v1.0."""

from apiflask import APIBlueprint, APIFlask

bp = APIBlueprint("orders_api", __name__, url_prefix="/api/v1.0", tag="Orders")


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
