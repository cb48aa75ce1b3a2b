"""`flask openbargain …` commands. They call the same services as the pages."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from openbargain.extensions import db
from openbargain.models import User
from openbargain.services import accounts, audit, demo, reminders, results
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
@click.option("--expect", "expect", multiple=True, callback=_checkpoint, metavar="HASH@LENGTH",
              help="A checkpoint kept earlier (audit page, a certified result, the feed); repeatable.")
def verify_audit_command(expect: list[audit.Checkpoint]) -> None:
    """Recompute the audit log's hash chain and check it passes through every kept checkpoint;
    name the first event that breaks or differs."""
    checked, broken = audit.verify_audit_log(db.session, expect)
    if broken is None:
        kept = f" It passes through {len(expect)} kept checkpoint(s)." if expect else ""
        click.echo(f"Audit log intact: {checked} events verified.{kept} "
                   f"Checkpoint now: {audit.head(db.session).label}")
        return
    click.echo(f"Audit log BROKEN at event {broken.event_id}: {broken.reason} "
               f"({checked} events before it verified).", err=True)
    sys.exit(1)


@cli.command("tick")
def tick_command() -> None:
    """Run from cron (every few minutes): freeze rolls of votes that opened, send reminders once,
    certify what closed, retry mail that could not be delivered."""
    report = reminders.tick()
    click.echo(f"Rolls frozen: {report.rolls_frozen}; 'vote open' mails: {report.open_notices}; "
               f"'closes soon' mails: {report.closing_notices}; referenda certified: {report.certified}; "
               f"queued mails delivered: {report.mail_retried}.")


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
