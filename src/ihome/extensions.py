"""Flask extensions, created unbound; ``create_app`` binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy

from ihome.core.db import Base
from ihome.core.network import client_ip

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
session_store = Session()
babel = Babel()
limiter = Limiter(key_func=client_ip)
