"""Plain builder functions for test data; each commits so services see the rows."""
from __future__ import annotations

import itertools

from openbargain.extensions import db
from openbargain.models import Chapter, Membership, Standing, User
from openbargain.services.accounts import hash_password

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
# Hashing is deliberately slow; tests reuse one hash of the shared password.
_PASSWORD_HASH: list[str] = []


def password_hash() -> str:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


def make_user(email: str | None = None, name: str | None = None, *, admin: bool = False,
              account: bool = True) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", name=name or f"User {n}", is_admin=admin,
                password_hash=password_hash() if account else None)
    db.session.add(user)
    db.session.commit()
    return user


def make_chapter(slug: str | None = None, name: str | None = None) -> Chapter:
    n = next(_seq)
    chapter = Chapter(slug=slug or f"chapter-{n}", name=name or f"Chapter {n}", timezone="America/New_York")
    db.session.add(chapter)
    db.session.commit()
    return chapter


def make_membership(chapter: Chapter, user: User | None = None, *, standing: Standing = Standing.GOOD_STANDING,
                    elected: bool = False, steering: bool = False, office: str | None = None) -> Membership:
    user = user or make_user()
    membership = Membership(chapter=chapter, user=user, standing=standing, is_elected=elected,
                            is_steering=steering, office=office or ("State Senate, District 9" if elected else None))
    db.session.add(membership)
    db.session.commit()
    return membership
