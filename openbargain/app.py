"""The application factory: config → extensions → blueprints → error handlers → CLI."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, config_from_env


def create_app(config: Config | str | None = None) -> Flask:
    cfg = config if isinstance(config, Config) else config_from_env(config)
    app = Flask(__name__, instance_path=cfg.INSTANCE_PATH, instance_relative_config=False)
    app.config.from_object(cfg)
    from openbargain.routing import IdConverter

    app.url_map.converters["int"] = IdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from openbargain import extensions as ext
    from openbargain import models  # noqa: F401  (registers every table on the metadata)

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)

    from openbargain import i18n
    from openbargain.web import input_guard, security, session_auth

    session_auth.init_app(app)
    security.init_app(app)
    input_guard.init_app(app)
    i18n.init_app(app)

    from openbargain import api
    from openbargain.web.accountability import bp as accountability_bp
    from openbargain.web.admin import bp as admin_bp
    from openbargain.web.auth import bp as auth_bp
    from openbargain.web.chapters import bp as chapters_bp
    from openbargain.web.committee import bp as committee_bp
    from openbargain.web.elections import bp as elections_bp
    from openbargain.web.main import bp as main_bp
    from openbargain.web.meetings import bp as meetings_bp
    from openbargain.web.notices import bp as notices_bp
    from openbargain.web.paper import bp as paper_bp
    from openbargain.web.platform import bp as platform_bp
    from openbargain.web.proposals import bp as proposals_bp
    from openbargain.web.referenda import bp as referenda_bp
    from openbargain.web.sessions import bp as sessions_bp
    from openbargain.web.webhooks import bp as webhooks_bp

    for bp in (main_bp, auth_bp, chapters_bp, proposals_bp, referenda_bp, accountability_bp, sessions_bp, admin_bp,
               notices_bp, webhooks_bp, platform_bp, committee_bp, paper_bp, elections_bp,
               meetings_bp):
        app.register_blueprint(bp)
    api.init_app(app, ext.csrf)

    from openbargain import queue
    # Their jobs are declared on import, and must be before the queue is built.
    from openbargain.services import outbox, roll_notices, webhooks  # noqa: F401

    queue.init_app(app)

    from openbargain import policy
    from openbargain.web import errors

    errors.init_app(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["policy"] = policy
    from openbargain.services.dashboard import votes_awaiting

    app.jinja_env.globals["votes_awaiting"] = votes_awaiting
    from openbargain.services.notifications import unread_count

    app.jinja_env.globals["unread_notices"] = unread_count

    from openbargain.web.markdown import render_markdown

    app.jinja_env.filters["markdown"] = render_markdown

    from openbargain.web.timezones import ago, duration, local, local_date

    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["ago"] = ago

    from openbargain.cli import cli

    app.cli.add_command(cli)
    from openbargain.api.fast_cast import FastCast

    app.wsgi_app = FastCast(app, app.wsgi_app)  # the plain cast, before Flask; all else passes through
    return app
