"""`flask openbargain …` commands. They call the same services as the pages."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from openbargain import queue
from openbargain.extensions import db
from openbargain.models import User
from openbargain.models.roll_call import Source
from openbargain.services import (
    accounts,
    audit,
    chapters,
    demo,
    record_fetch,
    reminders,
    results,
    roll_call_formats,
    roll_calls,
)
from openbargain.services.errors import DomainError, ValidationFailed

cli = AppGroup("openbargain", help="openbargain administration.")


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
def demo_command(if_empty: bool) -> None:
    """Create the demo chapter (idempotent) and print its logins."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Database already has users; demo data not added.")
        return
    created = demo.create_demo()
    click.echo("Demo chapter created." if created else "Demo chapter already exists.")
    click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
    for login in demo.demo_logins():
        click.echo(f"  {login.email:38} {login.role}")


@cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Site admin")
@click.password_option(help="Asked for when not given.")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a site admin (or make an existing user one)."""
    try:
        user = accounts.create_admin(email, name, password)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message)
    click.echo(f"{user.email} is a site admin.")


def _checkpoint(_ctx, _param, values: tuple[str, ...]) -> list[audit.Checkpoint]:
    try:
        return [audit.Checkpoint.parse(v) for v in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc))


@cli.command("verify-audit")
@click.option("--expect", "expect", multiple=True, callback=_checkpoint, metavar="[CHAPTER:]HASH@LENGTH",
              help="A checkpoint kept earlier (audit pages, a certified result, the feed); repeatable.")
def verify_audit_command(expect: list[audit.Checkpoint]) -> None:
    """Recompute every chain of the audit log (the site's and each chapter's) and check each passes
    through every checkpoint kept of it; name the first event that breaks or differs."""
    verified = audit.verify_audit_log(db.session, expect)
    if verified.broken is None:
        kept = f" They pass through {len(expect)} kept checkpoint(s)." if expect else ""
        click.echo(f"Audit log intact: {verified.events} events in {verified.chains} chain(s) verified.{kept} "
                   f"The site's checkpoint now: {audit.head(db.session).label}")
        return
    click.echo(f"Audit log BROKEN at {verified.broken.place}: {verified.broken.reason} "
               f"({verified.events} events before it verified).", err=True)
    sys.exit(1)


@cli.command("tick")
def tick_command() -> None:
    """Run from cron (every few minutes): freeze rolls of votes that opened, send reminders once,
    certify what closed, retry mail and webhook deliveries that did not go through."""
    report = reminders.tick()
    click.echo(f"Rolls frozen: {report.rolls_frozen}; 'vote open' mails: {report.open_notices}; "
               f"'closes soon' mails: {report.closing_notices}; referenda certified: {report.certified}; "
               f"mails retried: {report.mail_retried}; webhook deliveries sent on: {report.webhooks_retried}; "
               f"roll notices finished: {report.roll_notices_finished}.")


@cli.command("worker")
@click.option("--threads", default=8, show_default=True, help="Jobs this process works at once.")
def worker_command(threads: int) -> None:
    """Work the job queue (QUEUE_URL): deliver mail until stopped; SIGTERM lets the jobs in hand
    finish. Run one or more, on any host that reaches the database, Redis and the mail server."""
    if not queue.enabled():
        raise click.ClickException("QUEUE_URL is not set: without a queue, mail is delivered by the process "
                                   "that writes it, and retried by tick.")
    click.echo(f"Working the queue with {threads} threads; stop with Ctrl-C or SIGTERM.")
    queue.run_worker(current_app._get_current_object(), threads)


@cli.command("verify-result")
@click.argument("referendum_id", type=int)
def verify_result_command(referendum_id: int) -> None:
    """Recount a certified referendum from its stored ballots and compare with its Result."""
    try:
        problems = results.verify_result(referendum_id)
    except DomainError as exc:
        raise click.ClickException(exc.message)
    if problems:
        click.echo(f"Referendum {referendum_id} DISAGREES: {problems[0]}", err=True)
        for more in problems[1:]:
            click.echo(f"also: {more}", err=True)
        sys.exit(1)
    click.echo(f"Referendum {referendum_id}: the recount agrees with the certified result and its hashes.")


@cli.command("import-votes")
@click.argument("chapter_slug")
@click.option("--source", type=click.Choice([s.value for s in Source]), required=True)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="A record downloaded from the source (JSON), or a clerk's CSV.")
@click.option("--fetch", "what", help="Fetch from the source instead: an Open States bill id (ocd-bill/…), a LegiScan "
                                      "roll_call_id, or a Legistar client/event id (nyc/1185).")
@click.option("--key", default="",
              help="The chapter's key for the source (else OPENSTATES_API_KEY, LEGISCAN_API_KEY or LEGISTAR_TOKEN).")
def import_votes_command(chapter_slug: str, source: str, path: str | None, what: str | None, key: str) -> None:
    """Import roll calls, match each elected's recorded vote against their mandates, propose verdicts."""
    if (path is None) == (what is None):
        raise click.UsageError("Give --file or --fetch (one of them).")
    kind = Source(source)
    key = key or current_app.config["ROLL_CALL_KEYS"].get(kind.value, "")
    try:
        chapter = chapters.get_chapter(chapter_slug)
        raw = Path(path).read_bytes() if path else record_fetch.fetch(kind, what, key)
        report = roll_calls.import_records(chapter, roll_call_formats.read(kind, raw))
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} {' '.join(m for ms in exc.errors.values() for m in ms)}".strip())
    except OSError as exc:  # the source did not answer (or refused the key)
        raise click.ClickException(f"{kind.value} did not answer: {exc}")
    click.echo(f"{report.roll_calls} roll call(s) imported ({report.already} already there), {report.votes} recorded "
               f"vote(s); {report.matches} record(s) matched against mandates, for steering to confirm.")
