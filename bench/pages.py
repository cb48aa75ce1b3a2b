"""Page benchmark: the proposal page with thousands of comments, the proposals list with hundreds
of proposals. SQLite in a temporary folder (or OPENBARGAIN_TEST_DATABASE_URL); seeding not timed.

    .venv/bin/python bench/pages.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENBARGAIN_INSTANCE_PATH", tempfile.mkdtemp(prefix="ob-bench-"))

from sqlalchemy import func, insert, select  # noqa: E402

from config import TestConfig  # noqa: E402
from openbargain import create_app  # noqa: E402
from openbargain.clock import now  # noqa: E402
from openbargain.extensions import db  # noqa: E402
from openbargain.models import Comment, Membership, Proposal, Stance, User  # noqa: E402
from openbargain.services import demo, proposals  # noqa: E402
from openbargain.services.proposals import ProposalDraft  # noqa: E402
from seeding import timed  # noqa: E402

COMMENTS = 5_000
PROPOSALS = 500
def main() -> None:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = os.environ.get(
        "OPENBARGAIN_TEST_DATABASE_URL", f"sqlite:///{os.environ['OPENBARGAIN_INSTANCE_PATH']}/bench.sqlite")
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.create_demo()
        member = db.session.scalar(select(User).where(User.email == "member1@demo.openbargain.test"))
        chapter = db.session.scalar(select(Membership).where(Membership.user_id == member.id)).chapter
        elected = db.session.scalar(select(Membership).where(Membership.is_elected.is_(True)))
        draft = ProposalDraft(title="Budget deal", body="Body", decision="How to vote", ballot_kind="yes_no",
                              deadline=date.today() + timedelta(days=30), visibility="members",
                              elected_ids=[elected.id], adopted_directive="Vote no.")
        proposal = proposals.draft_proposal(member, chapter, draft)
        proposals.publish_proposal(member, chapter, proposal.id)
        authors = [m.user_id for m in db.session.scalars(select(Membership))]
        moment = now()
        rows = []
        first = db.session.scalar(select(func.max(Comment.id))) or 0  # after the demo's own comments
        for i in range(COMMENTS):
            root = first + (i // 4) * 4 + 1
            rows.append({"id": first + i + 1, "proposal_id": proposal.id, "author_id": authors[i % len(authors)],
                         "parent_id": None if i % 4 == 0 else root, "root_id": root, "depth": 0 if i % 4 == 0 else 1,
                         "stance": list(Stance)[i % 4], "body": f"Comment {i} with **Markdown**.",
                         "created_at": moment + timedelta(seconds=i)})
        db.session.execute(insert(Comment), rows)
        for i in range(PROPOSALS):
            db.session.add(Proposal(chapter_id=chapter.id, author_id=member.id, title=f"Proposal {i}", body="",
                                    decision="d", deadline=date.today(), ballot_kind="yes_no",
                                    visibility="members", status="deliberation", revision=1))
        db.session.commit()
        slug, pid = chapter.slug, proposal.id
    client = app.test_client()
    client.post("/login", data={"email": "member1@demo.openbargain.test", "password": demo.DEMO_PASSWORD})
    backend = config.SQLALCHEMY_DATABASE_URI.split(":")[0]
    for label, url in [(f"proposal page, {COMMENTS:,} comments", f"/c/{slug}/proposals/{pid}"),
                       (f"proposal page, last of {COMMENTS // 4 // 30 + 1} pages",
                        f"/c/{slug}/proposals/{pid}?page={COMMENTS // 4 // 30 + 1}"),
                       (f"proposals list, {PROPOSALS + 1:,} proposals", f"/c/{slug}/proposals/")]:
        median, p95, queries = timed(app, client, url)
        print(f"{label:<40} median {median * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  {queries} queries  ({backend})")


if __name__ == "__main__":
    main()
