"""Outgoing mail: composing a message, and handing it to the transport — printed to the console by
default, SMTP when configured, kept in memory in tests. Use-cases never call the transport
themselves: they write mail to the outbox in their transaction (services/outbox.py), which
delivers it."""
from __future__ import annotations

import smtplib
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from flask import current_app, render_template
from flask_babel import force_locale


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    # Stable for one outbox mail: a message handed over again after a crash carries the same id,
    # by which mail systems recognise a duplicate.
    message_id: str | None = None
    # A notice's one-click unsubscribe link: sent as List-Unsubscribe with List-Unsubscribe-Post
    # (RFC 8058), so a mail program can offer it and act on it without opening a page.
    unsubscribe: str | None = None


class Refused(Exception):
    """The mail server refused this message for good (a 5xx reply): trying again will not help."""


class Deferred(Exception):
    """The mail server would not take this message now (a 4xx reply) but may later; the
    connection is still good for the next one."""


def compose(to: str, subject: object, template: str, *, language: str, **context) -> Message:
    """A mail in the reader's language: the subject (a Phrase or lazy text) is said in it too."""
    # Mail is read far from this request: its links are built on the configured public address.
    # A fresh app context keeps the page's `g` (and so its logged-in user) out of the mail's reach.
    app = current_app._get_current_object()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]), force_locale(language):
        body = render_template(f"mail/{template}.txt", **context)
        subject = str(subject)
    return Message(to=to, subject=subject, body=body)


@contextmanager
def courier() -> Iterator[Callable[[Message], None]]:
    """A way to hand messages to the configured transport — printed to the console, kept in memory
    (tests) or sent over one SMTP connection for the whole batch. Sending raises Refused when the
    server refuses the message for good, and any other error when it may go later; opening the
    connection raises when the server cannot be reached."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        with _smtp_connection() as smtp:
            yield lambda message: _send_smtp(smtp, message)
    elif backend == "memory":
        kept = current_app.extensions.setdefault("mail_outbox", [])
        yield kept.append
    else:
        yield _print


def _print(message: Message) -> None:
    print(f"--- mail to {message.to} ---\nSubject: {message.subject}\n\n{message.body}\n--- end ---",
          file=sys.stderr, flush=True)


@contextmanager
def _smtp_connection() -> Iterator[smtplib.SMTP]:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30)
    try:
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls()
        if cfg["SMTP_USERNAME"]:
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):  # the connection is gone already
            smtp.close()


def _send_smtp(smtp: smtplib.SMTP, message: Message) -> None:
    # Header lines up to SMTP's own limit: folded at 78, a long List-Unsubscribe URL would be sent
    # as an encoded word, which mail programs do not read as a link.
    email = EmailMessage(policy=SMTP_POLICY.clone(max_line_length=998))
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    if message.message_id:
        email["Message-ID"] = message.message_id
    if message.unsubscribe:
        email["List-Unsubscribe"] = f"<{message.unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body)
    try:
        smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        reply = "; ".join(f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values())
        raise (Refused if codes and all(code >= 500 for code in codes) else Deferred)(reply) from exc
    except smtplib.SMTPDataError as exc:
        reply = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
        raise (Refused if exc.smtp_code >= 500 else Deferred)(reply) from exc
