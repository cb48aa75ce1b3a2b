from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from openbargain.clock import set_clock
from openbargain.extensions import db
from openbargain.models import Ballot, Chapter, Proposal, ProposalStatus, Result, User, VoterRollEntry
from openbargain.services import casting, due, results
from openbargain.services.errors import InvalidTransition, NotFound, ValidationFailed
from openbargain.tally import board, verify
from tests import factories
from tests.helpers import audit_events, membership, race, set_bylaws



def past_close(referendum):
    closed = referendum.closes_at + timedelta(minutes=1)
    set_clock(lambda: closed)


def after_close(referendum):
    """The clock passes the close, and what that made due is done (as `tick` or a page would)."""
    past_close(referendum)
    due.settle_due(referendum.proposal.chapter)


@pytest.fixture
def voted(world):
    """A yes/no vote: member yes, elected yes, steering no; then the clock passes the close."""
    r = factories.make_open_referendum(world, membership(world.elected))
    receipts = {u.email: casting.cast_ballot(u, world.chapter, r.id, {"choice": c})
                for u, c in [(world.member, "yes"), (world.elected, "yes"), (world.steering, "no")]}
    past_close(r)
    return r, receipts


@pytest.fixture
def certified(world, voted):
    """The same vote, certified."""
    due.settle_due(world.chapter)
    return voted


def test_nothing_is_shown_while_the_vote_is_open(app, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "yes"})
    for fn in (results.get_result, results.export):
        with pytest.raises(InvalidTransition, match="no result while the vote is open"):
            fn(world.member, world.chapter, r.id)
    assert db.session.scalar(select(func.count()).select_from(Result)) == 0


def test_settling_after_closing_certifies_once(app, world, voted):
    r, _ = voted
    due.settle_due(world.chapter)
    view = results.get_result(world.member, world.chapter, r.id)
    assert view.result.outcome == "adopted" and view.result.winners == ["yes"]
    assert (view.result.ballots_cast, view.result.roll_size, view.result.quorum_met) == (3, 3, True)
    assert view.result.tally["rounds"][0]["tallies"] == {"yes": 2, "no": 1, "abstain": 0}
    assert db.session.get(Proposal, r.proposal_id).status == ProposalStatus.DECIDED
    again = results.get_result(world.steering, world.chapter, r.id)
    assert again.result.id == view.result.id
    assert db.session.scalar(select(func.count()).select_from(Result)) == 1
    assert len(audit_events("referendum.certified")) == 1


def test_racing_certifiers_produce_one_result(app, world, voted):
    r, _ = voted
    chapter_id = world.chapter.id
    outcomes = race(app, [lambda: results.certify_closed(chapter_id) for _ in range(6)])
    # Each either found it due (and queued behind the lock) or already certified: none failed.
    assert all(o in (0, 1) for o in outcomes) and 1 in outcomes, outcomes
    assert db.session.scalar(select(func.count()).select_from(Result)) == 1
    assert len(audit_events("referendum.certified")) == 1


def test_quorum_not_met_is_no_decision_with_no_winner(app, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    r.quorum_percent = 100
    db.session.commit()
    casting.cast_ballot(world.member, world.chapter, r.id, {"choice": "abstain"})
    after_close(r)
    view = results.get_result(world.member, world.chapter, r.id)
    assert view.result.outcome == "no_decision" and view.result.winners == [] and not view.result.quorum_met
    assert db.session.get(Proposal, r.proposal_id).status == ProposalStatus.NO_DECISION


def test_a_ranked_roll_call_vote_lists_who_voted_what(app, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", secret=False,
                                       title="Endorsements")
    casting.cast_ballot(world.member, world.chapter, r.id, {"ranking": ["Bloc", "Individually"]})
    casting.cast_ballot(world.elected, world.chapter, r.id, {"ranking": ["Individually"]})
    casting.cast_ballot(world.steering, world.chapter, r.id, {"ranking": ["Bloc"]})
    after_close(r)
    view = results.get_result(world.member, world.chapter, r.id)
    assert view.result.outcome == "elected" and view.result.winners == ["Bloc"]
    assert sorted(name for name, _ in view.roll_call) == sorted(u.name for u in (world.member, world.elected,
                                                                                world.steering))


def test_a_voter_finds_their_tracker(app, world, certified):
    r, receipts = certified
    code = receipts[world.member.email].tracker
    spaced = " ".join(code[i:i + 4] for i in range(0, 32, 4)).upper()
    assert results.find_tracker(world.member, world.chapter, r.id, spaced) == "counted"
    assert results.find_tracker(world.member, world.chapter, r.id, "0" * 32) is None
    for bad in ("1234", "z" * 32, code + "00"):
        with pytest.raises(ValidationFailed):
            results.find_tracker(world.member, world.chapter, r.id, bad)


def test_outsiders_cannot_read_a_members_only_result(app, world, certified):
    r, _ = certified
    for outsider in (None, world.other_steering):
        with pytest.raises(NotFound):
            results.export(outsider, world.chapter, r.id)


def test_the_export_recounts_alone_and_a_tampered_ballot_is_caught(app, world, certified, tmp_path, capsys):
    r, receipts = certified
    document = results.export(world.member, world.chapter, r.id)
    assert sorted(document["trackers"]) == document["trackers"] and len(document["trackers"]) == 3
    assert all("tracker" not in b for b in document["ballots"])
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    assert verify.main([str(path)]) == 0
    assert "Verified: 3 ballots recounted; outcome adopted (yes)" in capsys.readouterr().out
    no_index = next(i for i, b in enumerate(document["ballots"]) if b == {"choice": "no"})
    document["ballots"][no_index] = {"choice": "yes"}
    path.write_text(json.dumps(document))
    assert verify.main([str(path)]) == 1
    assert "DISAGREES: the ballots do not match the certified ballot-set hash" in capsys.readouterr().out
    document["ballot_set_hash"] = board.BallotSet(document["ballots"]).hash
    path.write_text(json.dumps(document))
    assert verify.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "bulletin board" in out and "result.rounds[0].tallies.no: certified 1, recounted 0" in out


def test_verify_result_recounts_the_stored_ballots(app, world, certified):
    r, _ = certified
    results.get_result(world.member, world.chapter, r.id)
    assert results.verify_result(r.id) == []
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["openbargain", "verify-result", str(r.id)])
    assert ok.exit_code == 0 and "agrees" in ok.output
    forged = db.session.scalar(select(Ballot).where(Ballot.content["choice"].as_string() == "no"))
    db.session.execute(update(Ballot).where(Ballot.referendum_id == forged.referendum_id,
                                            Ballot.position == forged.position).values(content={"choice": "yes"}))
    db.session.commit()
    problems = results.verify_result(r.id)
    assert problems[0] == "the stored ballots do not match the certified ballot-set hash"
    bad = runner.invoke(args=["openbargain", "verify-result", str(r.id)])
    assert bad.exit_code == 1 and "DISAGREES" in bad.output
    # The certified result itself is never recomputed in place.
    assert db.session.scalar(select(Result)).tally["rounds"][0]["tallies"]["no"] == 1


def _race_cast_and_close(app, world, monkeypatch, seam: str) -> tuple[dict, int]:
    """The member's cast pauses at `seam`; meanwhile the vote closes and certification starts;
    then the cast goes on. Returns the cast's outcome and the vote."""
    r = factories.make_open_referendum(world, membership(world.elected))
    casting.cast_ballot(world.elected, world.chapter, r.id, {"choice": "no"})  # roll frozen
    paused, release = threading.Event(), threading.Event()

    def hook():
        paused.set()
        release.wait(timeout=30)

    monkeypatch.setattr(casting, seam, hook)
    ids = (world.member.id, world.chapter.id, r.id)
    outcome: dict = {}

    def cast():
        with app.app_context():
            try:
                outcome["cast"] = casting.cast_ballot(db.session.get(User, ids[0]), db.session.get(Chapter, ids[1]),
                                                      ids[2], {"choice": "yes"})
            except InvalidTransition as refused:
                outcome["cast"] = refused
            db.session.remove()

    def certify():
        with app.app_context():
            outcome["certified"] = results.certify_closed(ids[1])
            db.session.remove()

    caster = threading.Thread(target=cast)
    caster.start()
    assert paused.wait(timeout=30)
    closed = r.closes_at + timedelta(seconds=1)
    set_clock(lambda: closed)  # the vote closes while the cast is under way
    certifier = threading.Thread(target=certify)
    certifier.start()
    certifier.join(timeout=1)
    outcome["certified_while_paused"] = not certifier.is_alive()
    release.set()
    caster.join(timeout=30)
    certifier.join(timeout=30)
    db.session.rollback()
    return outcome, r.id


def test_a_cast_written_before_the_close_is_counted_not_lost(app, world, monkeypatch):
    # The cast has written (holding its shared lock on the vote) when the vote closes:
    # certification waits for it, and counts it.
    outcome, vote = _race_cast_and_close(app, world, monkeypatch, "_written_not_committed")
    assert isinstance(outcome["cast"], casting.Receipt) and not outcome["certified_while_paused"]
    result = db.session.scalar(select(Result))
    assert result.ballots_cast == db.session.scalar(select(func.count()).select_from(Ballot)) == 2


def test_a_cast_checked_before_the_close_but_not_written_is_refused_not_dropped(app, world, monkeypatch):
    # The cast has checked the vote open but written nothing when it closes: certification does not
    # wait for it, and the cast, going on, is refused — the member is told, and not marked voted.
    outcome, vote = _race_cast_and_close(app, world, monkeypatch, "_between_check_and_write")
    assert isinstance(outcome["cast"], InvalidTransition) and "closed" in outcome["cast"].message
    # On SQLite the cast's transaction holds the one write lock from its start: certification waits.
    assert outcome["certified_while_paused"] == (db.engine.dialect.name == "postgresql")
    assert db.session.scalar(select(Result)).ballots_cast == 1
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(select(VoterRollEntry.voted_on).where(
        VoterRollEntry.referendum_id == vote, VoterRollEntry.membership_id == membership(world.member).id)) is None


def test_tick_certifies_a_closed_vote(app, world, voted):
    from openbargain.services import reminders

    assert reminders.tick().certified == 1
    assert db.session.scalar(select(func.count()).select_from(Result)) == 1
    assert reminders.tick().certified == 0


def _ranked_vote_certified(world, **bylaws):
    set_bylaws(world.chapter, **bylaws)
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")
    for user, ranking in ((world.member, ["Bloc", "Individually"]), (world.elected, ["Individually"]),
                          (world.steering, ["Bloc"])):
        casting.cast_ballot(user, world.chapter, r.id, {"ranking": ranking})
    after_close(r)
    return r


@pytest.mark.parametrize("bylaws,published", [
    ({}, False),  # the default: only from a roll of 50
    ({"ranked_ballots_min_roll": 3}, True),  # the roll here is 3 (member, elected, steering)
    ({"ranked_ballots_public": "always"}, True),
    ({"ranked_ballots_public": "never", "ranked_ballots_min_roll": 1}, False),
], ids=["default", "roll large enough", "always", "never"])
def test_a_small_rolls_ranked_ballots_are_withheld_as_the_bylaws_say(app, world, bylaws, published):
    r = _ranked_vote_certified(world, **bylaws)
    document = results.export(world.member, world.chapter, r.id)
    result = db.session.scalar(select(Result))
    assert result.ballots_public is published
    assert (len(document["ballots"]) == 3) is published and (document["ballots_withheld"] is None) is published
    # Withheld or not, the trackers, the round tallies and the hashes are published.
    assert len(document["trackers"]) == 3 and document["result"]["winners"] == result.winners
    assert document["ballot_set_hash"] == result.ballot_set_hash


def test_withholding_is_fixed_when_certified_and_the_pages_say_so(app, client, world, tmp_path, capsys):
    from tests.conftest import login

    r = _ranked_vote_certified(world)
    set_bylaws(world.chapter, ranked_ballots_public="always")  # a later change publishes nothing withheld
    assert results.export(world.member, world.chapter, r.id)["ballots"] == []
    login(client, world.member)
    page = client.get(f"/c/riverside/referenda/{r.id}/result").get_data(as_text=True)
    assert "withhold the individual ranked ballots" in page and "a roll of 3" in page
    board = client.get(f"/c/riverside/referenda/{r.id}/board").get_data(as_text=True)
    assert "withhold the individual ranked ballots" in board and "ballots.csv" not in board
    assert client.get(f"/c/riverside/referenda/{r.id}/ballots.csv").status_code == 404
    assert client.get(f"/c/riverside/referenda/{r.id}/trackers.csv").status_code == 200
    path = tmp_path / "export.json"
    path.write_text(json.dumps(results.export(world.member, world.chapter, r.id)))
    assert verify.main([str(path)]) == 2
    assert "cannot be recounted" in capsys.readouterr().err


def test_yes_no_ballots_are_published_whatever_the_roll(app, world, certified):
    r, _ = certified
    assert len(results.export(world.member, world.chapter, r.id)["ballots"]) == 3


def test_a_certified_ranked_result_exports_as_blt_for_other_software(app, client, world):
    import io

    from openbargain.tally.blt import read_blt
    from tests.conftest import login

    r = _ranked_vote_certified(world, ranked_ballots_public="always")
    exported = read_blt(io.StringIO(results.export_blt(world.member, world.chapter, r.id)))
    assert exported.title == "Endorsements" and exported.seats == 1
    assert dict(exported.ballots.groups()) == {("Bloc",): 1, ("Bloc", "Individually"): 1, ("Individually",): 1}
    login(client, world.member)
    download = client.get(f"/c/riverside/referenda/{r.id}/ballots.blt")
    assert download.status_code == 200 and download.get_data(as_text=True).startswith("2 1\n")


def test_withheld_ballots_have_no_blt_either(app, world):
    r = _ranked_vote_certified(world)
    with pytest.raises(NotFound, match="withhold"):
        results.export_blt(world.member, world.chapter, r.id)


def test_verify_result_reads_the_ballots_whatever_their_stored_spelling(app, world):
    r = factories.make_open_referendum(world, membership(world.elected), kind="ranked", title="Endorsements")
    for user, ranking in [(world.member, ["Bloc"]), (world.elected, ["Bloc"]), (world.steering, ["Individually"])]:
        casting.cast_ballot(user, world.chapter, r.id, {"ranking": ranking})
    after_close(r)
    stored = db.session.scalars(select(Ballot.content).where(Ballot.referendum_id == r.id)
                                .order_by(Ballot.position)).all()
    assert stored == [{"ranking": ["Bloc"]}, {"ranking": ["Bloc"]}, {"ranking": ["Individually"]}]
    # The same contents written back the ORM's way (spaces after separators) still verify: the
    # recount parses what is stored, it does not trust its spelling.
    for position, content in enumerate(stored):
        db.session.execute(update(Ballot).where(Ballot.referendum_id == r.id, Ballot.position == position)
                           .values(content=content))
    db.session.commit()
    spelled = db.session.scalars(select(func.cast(Ballot.content, db.Text)).where(Ballot.referendum_id == r.id))
    assert all(", " in text or ": " in text for text in spelled)
    assert results.verify_result(r.id) == []
    db.session.execute(update(Ballot).where(Ballot.referendum_id == r.id, Ballot.position == 2)
                       .values(content={"ranking": ["Bloc"]}))
    db.session.commit()
    assert results.verify_result(r.id)[0] == "the stored ballots do not match the certified ballot-set hash"


def test_a_vote_nobody_cast_in_exports_empty_lists(app, world):
    r = factories.make_open_referendum(world, membership(world.elected))
    after_close(r)
    document = results.export(world.member, world.chapter, r.id)
    assert document["trackers"] == [] and document["ballots"] == []
    assert results.verify_result(r.id) == []
