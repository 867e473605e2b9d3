"""The payments JSON API under /api/v1.0."""

from apiflask import APIBlueprint, APIFlask

bp = APIBlueprint("payments_api", __name__, url_prefix="/api/v1.0", tag="Payments")


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
