from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from openbargain.services import audit_log, chapters

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    mine = chapters.chapters_of(current_user) if current_user.is_authenticated else []
    return render_template("index.html", mine=mine, public=chapters.public_chapters())


@bp.get("/audit")
def audit_checkpoint():
    return render_template("audit_checkpoint.html", checkpoints=audit_log.public_checkpoints(), chapter=None)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
