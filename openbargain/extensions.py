"""Extensions, created unbound; create_app() binds them."""
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from openbargain import limits_storage  # noqa: F401  (registers the thread-safe memory store)
from openbargain.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _limits_off() -> bool:
    """The limiter is one object for every app of the process; each app's RATELIMIT_ENABLED holds."""
    return not current_app.config["RATELIMIT_ENABLED"]
