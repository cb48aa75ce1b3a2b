"""Outgoing mail: composing a message, and handing it to the transport — printed to the console by
default, SMTP when configured, kept in memory in tests. Use-cases never call the transport
themselves: they queue mail in their transaction (services/outbox.py), which delivers it."""
from __future__ import annotations

import logging
import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app, render_template

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def compose(to: str, subject: str, template: str, **context) -> Message:
    # Mail is read far from this request: its links are built on the configured public address.
    # A fresh app context keeps the page's `g` (and so its logged-in user) out of the mail's reach.
    app = current_app._get_current_object()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
        body = render_template(f"mail/{template}.txt", **context)
    return Message(to=to, subject=subject, body=body)


def transmit(message: Message) -> Message:
    """Hands one message to the configured transport; raises when it refuses or cannot be reached."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        print(
            f"--- mail to {message.to} ---\nSubject: {message.subject}\n\n{message.body}\n--- end ---",
            file=sys.stderr,
            flush=True,
        )
    return message


def _send_smtp(message: Message) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30) as smtp:
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls()
        if cfg["SMTP_USERNAME"]:
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
        smtp.send_message(email)
    log.info("mail sent: %s", message.subject)
