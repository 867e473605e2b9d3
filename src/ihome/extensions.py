"""Flask extensions, created unbound; ``create_app`` binds them.

Request limits are not an extension: they are Redis counters in ``ihome.accounts.counters``
(see the README's Limits section for why Flask-Limiter is not used).
"""

from flask_babel import Babel
from flask_migrate import Migrate
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy

from ihome.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
session_store = Session()
babel = Babel()
