"""Site administration: chapters."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from openbargain import policy
from openbargain.services import chapters
from openbargain.web.feedback import submit
from openbargain.web.forms import ChapterForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/chapters", methods=["GET", "POST"])
@login_required
def chapters_page():
    if not policy.can_administer_site(current_user):
        abort(404)
    form = ChapterForm()
    if form.validate_on_submit():
        new = chapters.NewChapter(form.slug.data, form.name.data, form.timezone.data.strip(),
                                  form.steering_email.data, form.steering_name.data)
        followed = submit(form, lambda: chapters.create_chapter(current_user, new),
                          success=lambda chapter: gettext("Chapter %(name)s created; its first steering member is "
                                                          "invited.", name=chapter.name),
                          done=lambda _: url_for("admin.chapters_page"))
        if followed:
            return followed
    return render_template("admin/chapters.html", form=form, chapters=chapters.all_chapters()), \
        200 if not form.errors else 422
