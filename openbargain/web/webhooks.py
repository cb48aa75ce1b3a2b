"""Steering's pages for the chapter's chat rooms: the webhooks, each with its delivery log."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from openbargain import policy, webhook_post
from openbargain.services import access, chapters, webhook_settings, webhooks
from openbargain.web.feedback import submit
from openbargain.web.forms import ActionForm, webhook_form

bp = Blueprint("webhooks", __name__, url_prefix="/c/<slug>/webhooks")


def _draft(form) -> webhook_settings.WebhookDraft:
    return webhook_settings.WebhookDraft(form.name.data or "", form.url.data or "", form.format.data or "",
                                         list(form.events.data or []))


def _form(**defaults):
    return webhook_form(webhook_post.FORMATS, webhooks.EVENTS, defaults)


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(slug: str):
    """The chapter's webhooks, and the form that connects another room."""
    chapter = chapters.get_chapter(slug)
    hooks = webhook_settings.hooks_of(current_user, chapter)
    form = _form(format="slack", events=list(webhooks.EVENTS))
    if form.validate_on_submit():
        followed = submit(form, lambda: webhook_settings.create_webhook(current_user, chapter, _draft(form)),
                          success=lambda hook: gettext("“%(name)s” is connected. Send it a test message to check.",
                                                       name=hook.name),
                          done=lambda hook: url_for("webhooks.show", slug=slug, webhook_id=hook.id))
        if followed:
            return followed
    return render_template("chapters/webhooks.html", chapter=chapter, membership=access.membership_of(current_user, chapter),
                           hooks=hooks, form=form, formats=webhook_post.FORMATS, events=webhooks.EVENTS), \
        422 if form.errors else 200


@bp.route("/<int:webhook_id>", methods=["GET", "POST"])
@login_required
def show(slug: str, webhook_id: int):
    """One webhook: its settings, its secret, and the log of what was sent and how the room answered."""
    chapter = chapters.get_chapter(slug)
    page = webhook_settings.webhook_page(current_user, chapter, webhook_id)
    hook = page.webhook
    form = _form(name=hook.name, url=hook.url, format=hook.format, events=sorted(hook.event_set))
    if form.validate_on_submit():
        followed = submit(form, lambda: webhook_settings.update_webhook(current_user, chapter, webhook_id, _draft(form)),
                          success=gettext("Saved."), done=lambda _: url_for("webhooks.show", slug=slug, webhook_id=webhook_id))
        if followed:
            return followed
    return render_template("chapters/webhook.html", chapter=chapter, membership=access.membership_of(current_user, chapter),
                           page=page, hook=hook, form=form, action_form=ActionForm(), formats=webhook_post.FORMATS,
                           events=webhooks.EVENTS, signature_header=webhook_post.SIGNATURE_HEADER), \
        422 if form.errors else 200


ACTIONS = {
    "test": (lambda actor, chapter, hook_id: webhook_settings.send_test(actor, chapter, hook_id),
             _l("A test message is on its way: its delivery shows below.")),
    "enable": (lambda actor, chapter, hook_id: webhook_settings.set_enabled(actor, chapter, hook_id, True),
               _l("Turned on: new events go to the room again.")),
    "disable": (lambda actor, chapter, hook_id: webhook_settings.set_enabled(actor, chapter, hook_id, False),
                _l("Turned off: nothing more goes to the room until it is turned on.")),
    "secret": (lambda actor, chapter, hook_id: webhook_settings.rotate_secret(actor, chapter, hook_id),
               _l("A new secret signs every delivery from now on: give it to your receiver.")),
}


def _steering_only(slug: str):
    """The buttons only lead to steering's use-cases; the service checks again when it acts."""
    chapter = chapters.get_chapter(slug)
    mine = access.membership_of(current_user, chapter)
    access.require(policy.can_manage_webhooks(current_user, mine), mine,
                   gettext("Only steering connects the chapter's chat rooms."))
    if not ActionForm().validate_on_submit():
        abort(400)
    return chapter


@bp.post("/<int:webhook_id>/<any(test, enable, disable, secret):step>")
@login_required
def act(slug: str, webhook_id: int, step: str):
    chapter = _steering_only(slug)
    run, message = ACTIONS[step]
    back = url_for("webhooks.show", slug=slug, webhook_id=webhook_id)
    return submit(None, lambda: run(current_user, chapter, webhook_id), success=str(message), done=lambda _: back,
                  refused=back)


@bp.post("/<int:webhook_id>/delete")
@login_required
def delete(slug: str, webhook_id: int):
    chapter = _steering_only(slug)
    return submit(None, lambda: webhook_settings.delete_webhook(current_user, chapter, webhook_id),
                  success=gettext("The webhook is deleted, with its delivery log."),
                  done=lambda _: url_for("webhooks.index", slug=slug),
                  refused=url_for("webhooks.show", slug=slug, webhook_id=webhook_id))
