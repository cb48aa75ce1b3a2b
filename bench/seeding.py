"""Filling a benchmark's chapter fast: members in good standing as two multi-row inserts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from openbargain.extensions import db
from openbargain.models import Membership, Standing, User


def add_members(chapter_id: int, count: int, prefix: str, start: datetime,
                password_hash: str | None = None) -> list[int]:
    """`count` users named `prefix0`… made members in good standing; returns their user ids. A
    `password_hash` makes their accounts active (tokens need that); without one they are invited."""
    db.session.execute(insert(User), [{"email": f"{prefix}{i}@example.org", "name": f"{prefix.title()} {i}",
                                       "password_hash": password_hash, "is_admin": False, "session_version": 1,
                                       "created_at": start} for i in range(count)])
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like(f"{prefix}%@example.org"))))
    db.session.execute(insert(Membership), [{"chapter_id": chapter_id, "user_id": uid,
                                             "standing": Standing.GOOD_STANDING, "is_elected": False,
                                             "is_steering": False, "created_at": start, "updated_at": start}
                                            for uid in user_ids])
    return user_ids
