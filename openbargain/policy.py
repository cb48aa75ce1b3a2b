"""Who may do what: pure predicates over a user and their membership in the chapter at hand.

Templates call these to show or hide controls; services call them to enforce. `membership` is
the acting user's Membership in the chapter concerned, or None when they have none.
"""
from __future__ import annotations

from openbargain.models import Membership, Standing, User


def is_chapter_insider(membership: Membership | None) -> bool:
    """Sees the chapter's members-only pages: any member not suspended, lapsed included."""
    return membership is not None and membership.standing != Standing.SUSPENDED


def is_active_steering(membership: Membership | None) -> bool:
    return membership is not None and membership.is_steering and membership.in_good_standing


def can_view_chapter(user: User | None, membership: Membership | None) -> bool:
    return is_chapter_insider(membership)


def can_view_roster(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_manage_roster(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_view_audit_log(user: User | None, membership: Membership | None) -> bool:
    return is_active_steering(membership)


def can_administer_site(user: User | None) -> bool:
    return user is not None and user.is_admin
