"""What the clock has made due in a chapter, done on the spot: the roll of a vote that has opened
is frozen, the count of a vote that has closed is certified (issuing its mandates). `tick` does it
for every chapter every few minutes; the pages and API reads about a chapter's votes call it first,
so nobody waits for cron. Reading a vote never writes: this is the one use-case that does."""
from __future__ import annotations

from openbargain.models import Chapter
from openbargain.services.results import certify_closed
from openbargain.services.rolls import ensure_rolls_frozen


def settle_due(chapter: Chapter) -> None:
    ensure_rolls_frozen(chapter.id)
    certify_closed(chapter.id)
