"""Demo data for a first look: one chapter, its steering member, two electeds, 40 members, and a
few weeks of proposals, votes, mandates and bargaining (demo_story)."""
from __future__ import annotations

import random
from datetime import timedelta
from dataclasses import dataclass

from sqlalchemy import select

from openbargain.clock import now, set_clock
from openbargain.extensions import db
from openbargain.models import Bylaws, Chapter, Membership, Standing, User
from openbargain.services import audit, demo_story
from openbargain.services.accounts import hash_password
from openbargain.services.uow import unit_of_work

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo-password"
DEMO_DOMAIN = "demo.openbargain.test"

FIRST = ["Ana", "Ben", "Chidi", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
         "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq"]
LAST = ["Okafor", "Lindqvist", "Moreno", "Kowalski", "Nguyen", "Haddad"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(f"steering@{DEMO_DOMAIN}", "steering committee"),
        DemoLogin(f"elected1@{DEMO_DOMAIN}", "elected: State Assembly, District 36"),
        DemoLogin(f"elected2@{DEMO_DOMAIN}", "elected: City Council, Ward 4"),
        DemoLogin(f"member1@{DEMO_DOMAIN}", "member in good standing"),
        DemoLogin(f"member2@{DEMO_DOMAIN}", "lapsed member"),
    ]


def create_demo() -> bool:
    """Creates the demo chapter unless it exists; returns whether it created it."""
    if db.session.scalar(select(Chapter).where(Chapter.slug == DEMO_SLUG)) is not None:
        return False
    rng = random.Random(36)  # fixed: the demo looks the same on every machine
    password_hash = hash_password(DEMO_PASSWORD)
    start = now()
    set_clock(lambda: start - timedelta(days=21))  # the chapter predates the story below
    with unit_of_work() as uow:
        s = uow.session
        chapter = Chapter(slug=DEMO_SLUG, name="Riverside Socialists (demo)", timezone="America/New_York")
        s.add(chapter)
        s.add(Bylaws.for_new_chapter(chapter))

        def add(email: str, name: str, standing: Standing, **roles) -> None:
            user = User(email=email, name=name, password_hash=password_hash)
            s.add(Membership(chapter=chapter, user=user, standing=standing, **roles))

        add(f"steering@{DEMO_DOMAIN}", "Sofia Steering", Standing.GOOD_STANDING, is_steering=True)
        add(f"elected1@{DEMO_DOMAIN}", "Alex Rivera", Standing.GOOD_STANDING, is_elected=True,
            office="State Assembly, District 36")
        add(f"elected2@{DEMO_DOMAIN}", "Jordan Lee", Standing.GOOD_STANDING, is_elected=True,
            office="City Council, Ward 4")
        for n in range(1, 41):
            standing = Standing.GOOD_STANDING
            if n == 2 or n % 7 == 0:
                standing = Standing.LAPSED
            elif n % 13 == 0:
                standing = Standing.SUSPENDED
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            add(f"member{n}@{DEMO_DOMAIN}", name, standing)
        s.flush()
        audit.record(s, "chapter.demo_created", f"chapter:{chapter.id}", actor=None, chapter=chapter,
                     data={"members": 43})
    set_clock(None)
    demo_story.play(chapter, DEMO_DOMAIN, start)
    return True
