"""WTForms forms: shape, lengths and types only; the rules live in the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from openbargain.models import Rating, Standing
from openbargain.models.bargaining_session import ENTRY_MAX, SUBJECT_MAX, SUMMARY_MAX, TABLE_MAX
from openbargain.models.chapter import OFFICE_MAX, SLUG_MAX
from openbargain.models.escalation import RESPONSE_MAX
from openbargain.models.roll_call import EXTERNAL_MAX
from openbargain.models.mandate import NOTE_MAX, PARTY_MAX, STATEMENT_MAX, URL_MAX
from openbargain.models.proposal import COMMENT_MAX, DIRECTIVE_MAX, LABEL_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from openbargain.models.user import EMAIL_MAX, NAME_MAX
from openbargain.services.accounts import PASSWORD_MAX
from openbargain.models.verdict import QUOTE_MAX, REASONING_MAX
from openbargain.services.errors import DomainError
from openbargain.services.roll_calls import RECORD_SOURCES
from openbargain.services.verdicts import RATING_WORDS
from openbargain.web.words import ENTRY_KINDS

STANDING_CHOICES = [SelectChoice(Standing.GOOD_STANDING.value, _l("in good standing")),
                    SelectChoice(Standing.LAPSED.value, _l("lapsed")),
                    SelectChoice(Standing.SUSPENDED.value, _l("suspended"))]


def elected_choices(electeds) -> list[tuple[int, str]]:
    """The electeds a proposal, a plank or a committee decision may direct, as checkbox choices."""
    return [(m.id, f"{m.user.name} — {m.office}") for m in electeds]


def apply_errors(form: FlaskForm, exc: DomainError) -> None:
    """Puts a service's field errors on the form's fields, so they show beside each input."""
    for name, messages in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + messages
        else:
            form.form_errors.extend(messages)
    if not exc.errors:
        form.form_errors.append(exc.message)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                             description=_l("At least 10 characters."))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                                 description=_l("At least 10 characters. Every other session and every access "
                                                "token end."))


class ActionForm(FlaskForm):
    """A button that changes state: nothing but the CSRF token."""


class RosterUploadForm(FlaskForm):
    roster = FileField(_l("Roster file (CSV)"), validators=[FileRequired(_l("Choose a CSV file."))],
                       description=_l("Columns: name, email, standing; optional roles (member, elected, steering) "
                                      "and office."))


class RosterConfirmForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired()])


class MembershipForm(FlaskForm):
    standing = SelectField(_l("Standing"), choices=STANDING_CHOICES)
    is_elected = BooleanField(_l("Elected"))
    is_steering = BooleanField(_l("Steering committee"))
    office = StringField(_l("Office"), validators=[Optional(), Length(max=OFFICE_MAX)],
                         description=_l('For an elected, e.g. "State Assembly, District 36".'))


class ChapterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    slug = StringField(_l("Address"), validators=[DataRequired(), Length(max=SLUG_MAX)],
                       description=_l("Lowercase letters, digits and hyphens: the chapter lives at /c/<address>/."))
    timezone = StringField(_l("Time zone"), default="UTC", validators=[DataRequired(), Length(max=64)],
                           description=_l("e.g. America/New_York"))
    steering_name = StringField(_l("First steering member's name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    steering_email = EmailField(_l("First steering member's email"),
                                validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])


# --- proposals ------------------------------------------------------------------------------

class OptionEntry(Form):
    """One ranked option (a sub-form: the proposal form carries the CSRF token)."""

    label = StringField(_l("Label"), validators=[Optional(), Length(max=LABEL_MAX)])
    directive = TextAreaField(_l("Directive"), validators=[Optional(), Length(max=DIRECTIVE_MAX)])


class ProposalForm(FlaskForm):
    """Shape only: whether each part is present and consistent is the service's rule, so that
    every problem is reported at once."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)])
    decision = TextAreaField(_l("The decision the elected faces"), validators=[Optional(), Length(max=TEXT_MAX)],
                             description=_l('e.g. "How to vote on the budget deal on the Assembly floor."'))
    deadline = DateField(_l("Deadline"), validators=[Optional()],
                         description=_l("The real-world date by which the elected must act (e.g. the floor vote)."))
    deadline_time = TimeField(_l("…at (optional)"), validators=[Optional()], format="%H:%M",
                              description=_l("The hour, in the chapter's timezone (“before the council meets at "
                                             "10:00”)."))
    body = TextAreaField(_l("Argument and background (Markdown)"), validators=[Optional(), Length(max=TEXT_MAX)])
    electeds = SelectMultipleField(_l("Electeds it directs"), coerce=int, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    ballot_kind = RadioField(_l("Ballot"), choices=[SelectChoice("yes_no", _l("Yes / no")),
                                                    SelectChoice("ranked", _l("Ranked options"))], default="yes_no")
    adopted_directive = TextAreaField(_l("Directive if adopted (yes/no)"),
                                      validators=[Optional(), Length(max=DIRECTIVE_MAX)],
                                      description=_l("The exact instruction the elected must follow if members vote "
                                                     "yes."))
    rejected_directive = TextAreaField(_l("Directive if rejected (yes/no, optional)"),
                                       validators=[Optional(), Length(max=DIRECTIVE_MAX)],
                                       description=_l("Leave empty to leave the elected their discretion."))
    options = FieldList(FormField(OptionEntry), label=_l("Ranked options"), min_entries=2, max_entries=12)
    fallback_directive = TextAreaField(_l("Fallback directive (optional)"),
                                       validators=[Optional(), Length(max=DIRECTIVE_MAX)],
                                       description=_l("What the elected must do if the vote reaches no decision "
                                                      "(quorum not met)."))
    visibility = RadioField(_l("Who can read it"), choices=[SelectChoice("members", _l("Members only")),
                                                            SelectChoice("public", _l("Public"))], default="members")


class CommentForm(FlaskForm):
    stance = RadioField(_l("Your stance"), choices=[SelectChoice("for", _l("For")),
                                                    SelectChoice("against", _l("Against")),
                                                    SelectChoice("question", _l("Question")),
                                                    SelectChoice("neutral", _l("Neutral"))], default="neutral")
    body = TextAreaField(_l("Comment (Markdown)"), validators=[DataRequired(), Length(max=COMMENT_MAX)])
    parent_id = IntegerField(widget=HiddenInput(), validators=[Optional()])


class CommentEditForm(FlaskForm):
    body = TextAreaField(_l("Comment (Markdown)"), validators=[DataRequired(), Length(max=COMMENT_MAX)])


class UrgencyForm(FlaskForm):
    reason = StringField(_l("Why it cannot wait (shown to members)"), validators=[Optional(), Length(max=REASON_MAX)])


class StopForm(FlaskForm):
    """Withdrawing a proposal or cancelling its vote: a confirmation with the public reason."""

    reason = TextAreaField(_l("Your reason"),
                           validators=[DataRequired(_l("Give members the reason: it is published on the proposal.")),
                                       Length(max=REASON_MAX)],
                           description=_l("Published on the proposal for everyone who can see it, and mailed to its "
                                          "author."))


class HideForm(FlaskForm):
    reason = StringField(_l("Reason shown to members"), validators=[DataRequired(), Length(max=REASON_MAX)])


class AmendmentForm(FlaskForm):
    kind = RadioField(_l("Amendment"), choices=[SelectChoice("change_directive", _l("Change a directive")),
                                                SelectChoice("new_option",
                                                             _l("Add a competing option (ranked ballots)"))],
                      default="change_directive")
    option_id = SelectField(_l("Directive to change"), coerce=int, validators=[Optional()], validate_choice=False)
    label = StringField(_l("Label (for a new option)"), validators=[Optional(), Length(max=LABEL_MAX)])
    directive = TextAreaField(_l("Proposed directive"), validators=[DataRequired(), Length(max=DIRECTIVE_MAX)])
    reason = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=TEXT_MAX)])


class BylawsForm(FlaskForm):
    min_deliberation_hours = IntegerField(_l("Minimum deliberation before a vote opens (hours)"),
                                          validators=[InputRequired()])
    urgent_min_deliberation_hours = IntegerField(_l("…for urgent proposals (hours)"), validators=[InputRequired()])
    voting_hours = IntegerField(_l("Default voting length (hours)"), validators=[InputRequired()])
    urgent_voting_hours = IntegerField(_l("…for urgent proposals (hours)"), validators=[InputRequired()])
    min_voting_hours = IntegerField(_l("Shortest vote anyone may schedule (hours)"), validators=[InputRequired()])
    urgent_min_voting_hours = IntegerField(_l("…for urgent proposals (hours)"), validators=[InputRequired()])
    urgent_cosign_percent = IntegerField(
        _l("Members who can put a proposal on the urgent track by co-signing (percentage of those in good standing)"),
        validators=[InputRequired()], description=_l("0: only the steering committee declares urgency."))
    petition_delay_hours = IntegerField(_l("A successful petition's vote opens after (hours)"),
                                        validators=[InputRequired()])
    quorum_percent = IntegerField(_l("Default quorum (percentage of the roll)"), validators=[InputRequired()])
    threshold = SelectField(_l("Default yes/no threshold"), choices=[
        SelectChoice("majority", _l("Majority of yes+no")), SelectChoice("three_fifths", _l("Three fifths of yes+no")),
        SelectChoice("two_thirds", _l("Two thirds of yes+no"))])
    petition_percent = IntegerField(_l("Petition threshold (percentage of members in good standing)"),
                                    validators=[InputRequired()])
    amendment_percent = IntegerField(_l("Amendment co-signers needed (percentage of members in good standing)"),
                                     validators=[InputRequired()])
    public_pages = BooleanField(_l("Show public proposals and results to visitors"))
    ranked_ballots_public = SelectField(
        _l("Publish the individual ballots of a secret ranked vote"), choices=[
            SelectChoice("from_roll", _l("Only when the roll is large enough (below)")),
            SelectChoice("always", _l("Always")),
            SelectChoice("never", _l("Never (the round tallies and the hashes only)"))],
        description=_l("With few voters most rankings are unique: a published ranking can point at the member "
                       "who cast it."))
    ranked_ballots_min_roll = IntegerField(_l("…large enough: at least this many members on the roll"),
                                           validators=[InputRequired()])
    session_delay_minutes = IntegerField(_l("Show each entry of a live bargaining session this long after it is "
                                            "posted (minutes)"), validators=[InputRequired()],
                                         description=_l("0: at once. A delay keeps the other side from reading "
                                                        "the room's reaction while the talks go on."))
    public_sessions = BooleanField(_l("Let visitors watch live bargaining sessions (when the pages are public)"))
    ack_within_hours = IntegerField(_l("An elected acknowledges a mandate within (hours)"), validators=[InputRequired()])
    report_grace_days = IntegerField(_l("…and reports on it by its due date plus (days)"), validators=[InputRequired()])
    escalate_after_days = IntegerField(_l("A missed deadline is flagged; an accountability proposal may follow after "
                                          "(days)"), validators=[InputRequired()])
    accountability_petition_percent = IntegerField(
        _l("Members who can open the accountability proposal by petition (percentage of those in good standing)"),
        validators=[InputRequired()], description=_l("Steering can open it too, and cannot block the petition."))
    recall_petition = BooleanField(_l("The bylaws provide a recall petition, drawn from the record once members "
                                      "vote to call for recall"))
    platform_report_months = SelectField(
        _l("Electeds report on the platform's standing mandates every"), coerce=int,
        choices=[SelectChoice(1, _l("month")), SelectChoice(2, _l("two months")), SelectChoice(3, _l("quarter")),
                 SelectChoice(4, _l("four months")), SelectChoice(6, _l("half year")), SelectChoice(12, _l("year"))])
    committee_of = SelectField(_l("Questions within the platform that cannot wait for a referendum are decided by"),
                               choices=[SelectChoice("none", _l("nobody: every question goes to the members")),
                                        SelectChoice("steering", _l("the steering committee")),
                                        SelectChoice("named", _l("the members named to the committee"))])
    callup_days = IntegerField(_l("Members may call a committee decision up to a referendum within (days)"),
                               validators=[InputRequired()])
    callup_percent = IntegerField(_l("…by a petition of (percentage of members in good standing)"),
                                  validators=[InputRequired()], description=_l("Steering cannot block it."))
    revoting = BooleanField(_l("A member may vote again before the close with their tracker code, voiding their earlier "
                                 "ballot (so that a ballot cast under pressure need not stand)"))
    callup_suspends = BooleanField(_l("A decision called up is suspended until the members' vote (else it stays in "
                                      "force until then)"))
    meeting_quorum_percent = IntegerField(_l("A general meeting votes once this share of members in good standing is "
                                             "present (percentage)"), validators=[InputRequired()])
    meeting_roll_call = BooleanField(_l("Votes at general meetings are roll-call votes (each member's vote published "
                                        "by name; else secret)"))
    meeting_vote_minutes = IntegerField(_l("A meeting vote lasts (minutes, unless the chair says otherwise)"),
                                        validators=[InputRequired()])


# --- referenda ------------------------------------------------------------------------------

class ScheduleForm(FlaskForm):
    method = SelectField(_l("Method"), choices=[
        SelectChoice("yes_no", _l("Yes / no")), SelectChoice("irv", _l("Instant-runoff (one winner)")),
        SelectChoice("stv", _l("Single transferable vote (several seats)")),
        SelectChoice("schulze", _l("Schulze (Condorcet)"))])
    threshold = SelectField(_l("Threshold (yes/no)"), choices=[
        SelectChoice("majority", _l("Majority of yes+no")), SelectChoice("three_fifths", _l("Three fifths of yes+no")),
        SelectChoice("two_thirds", _l("Two thirds of yes+no"))])
    seats = IntegerField(_l("Seats (STV)"), default=1, validators=[Optional()],
                         description=_l("Only a single transferable vote fills several seats; the other methods "
                                        "pick one."))
    quorum_percent = IntegerField(_l("Quorum (percentage of the roll who must cast a ballot)"),
                                  validators=[InputRequired()])
    opens_at = DateTimeLocalField(_l("Opens"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(_l("Closes"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    secret = RadioField(_l("Ballot"), choices=[SelectChoice("secret", _l("Secret ballot")),
                                               SelectChoice("roll_call", _l("Roll-call: who voted what is published"))],
                        default="secret")


class YesNoBallotForm(FlaskForm):
    choice = RadioField(_l("Your vote"), choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No")),
                                                  SelectChoice("abstain", _l("Abstain"))],
                        validators=[InputRequired(_l("Choose yes, no or abstain."))])


# --- mandates and open bargaining -------------------------------------------------------------

class ReportForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[SelectChoice("fulfilled", _l("Fulfilled")),
                                                 SelectChoice("partially", _l("Partially")),
                                                 SelectChoice("breached", _l("Breached"))],
                          validators=[InputRequired(_l("Choose the outcome: nothing is chosen for you."))])
    statement = TextAreaField(_l("Statement (Markdown)"), validators=[Optional(), Length(max=STATEMENT_MAX)],
                              description=_l("What you did, and why."))
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=URL_MAX)],
                               description=_l("e.g. the roll-call record (http:// or https://)."))
    acted_on = DateField(_l("Date you acted"), validators=[Optional()])
    corrects_id = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ReviewForm(FlaskForm):
    review = RadioField(_l("Review"), choices=[SelectChoice("verified", _l("Verified")),
                                               SelectChoice("disputed", _l("Disputed"))], default="verified")
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])


class VerdictForm(FlaskForm):
    rating = RadioField(_l("Verdict"), default="in_the_works", choices=[
        SelectChoice(rating.value, label) for rating, label in RATING_WORDS.items()])
    reasoning = TextAreaField(_l("Why"), validators=[Optional(), Length(max=REASONING_MAX)])
    evidence_url = StringField(_l("Evidence: a link"), validators=[Optional(), Length(max=URL_MAX)],
                               description=_l("A roll call, the minutes, a news report, a letter."))
    evidence_quote = TextAreaField(_l("Evidence: the words of a document"), validators=[Optional(), Length(max=QUOTE_MAX)],
                                   description=_l("Quote what the record says, where there is no link to it."))


class BillLinkForm(FlaskForm):
    source = SelectField(_l("Source"), choices=[SelectChoice(source.value, label)
                                                for source, label in RECORD_SOURCES.items()])
    bill = StringField(_l("Bill or motion, as the source names it"), validators=[Optional(), Length(max=EXTERNAL_MAX)],
                       description=_l("Open States: the bill number (HB 74). LegiScan: its bill id. Legistar: the "
                                      "matter file (Int 0123-2024). A clerk's CSV: its bill column."))
    position = RadioField(_l("The mandate directs a vote"), default="yes", choices=[
        SelectChoice("yes", _l("yes")), SelectChoice("no", _l("no"))])


def _optional_rating(value) -> Rating | None:
    """Sent only where no verdict is proposed (a vote neither way); anything but a rating is refused."""
    return Rating(value) if value not in (None, "") else None


class ConfirmRecordForm(FlaskForm):
    rating = SelectField(_l("Verdict"), coerce=_optional_rating, validate_choice=False,
                         choices=[SelectChoice(rating.value, label) for rating, label in RATING_WORDS.items()])
    reasoning = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=REASONING_MAX)])


class SourceIdForm(FlaskForm):
    source = SelectField(_l("Source"), choices=[SelectChoice(source.value, label)
                                                for source, label in RECORD_SOURCES.items()])
    person_id = StringField(_l("Id in that source"), validators=[Optional(), Length(max=EXTERNAL_MAX)],
                            description=_l("Open States: ocd-person/…; LegiScan: people_id; Legistar: PersonId; a "
                                           "clerk's CSV: its person_id. Empty: remove it."))


class ImportVotesForm(FlaskForm):
    source = SelectField(_l("Source"), choices=[SelectChoice(source.value, label)
                                                for source, label in RECORD_SOURCES.items()])
    file = FileField(_l("The record (JSON, or CSV for a clerk's record)"),
                     validators=[FileRequired(_l("Choose the file."))])


class AnswerForm(FlaskForm):
    response = TextAreaField(_l("Your answer, on the record"), validators=[Optional(), Length(max=RESPONSE_MAX)])


class SupersedeForm(FlaskForm):
    by_proposal_id = SelectField(_l("Superseded by the decided proposal"), coerce=int, validate_choice=False)


def _optional_id(value) -> int:
    """A select whose empty choice is 0 ("none"), however a client sends it."""
    return int(value) if value not in (None, "") else 0


class LinkForm(FlaskForm):
    proposal_id = SelectField(_l("Put it on the timeline of"), coerce=_optional_id, validate_choice=False)


class EntryForm(FlaskForm):
    met_on = DateField(_l("Date of the meeting"), validators=[Optional()])
    counterparty = StringField(_l("With whom"), validators=[Optional(), Length(max=PARTY_MAX)],
                               description=_l("e.g. the Speaker's office, a lobbyist, a union."))
    offered = TextAreaField(_l("What they offered"), validators=[Optional(), Length(max=TEXT_MAX)])
    demanded = TextAreaField(_l("What they demanded"), validators=[Optional(), Length(max=TEXT_MAX)])
    threatened = TextAreaField(_l("What they threatened"), validators=[Optional(), Length(max=TEXT_MAX)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=TEXT_MAX)])
    proposal_id = SelectField(_l("About the proposal (optional)"), coerce=_optional_id, validate_choice=False)
    embargo_until = DateTimeLocalField(_l("Embargo until (optional)"), validators=[Optional()],
                                       format="%Y-%m-%dT%H:%M",
                                       description=_l("Talks still live? Recorded now, shown to steering, and "
                                                      "published then — or when the proposal's vote opens."))
    embargo_until_vote = BooleanField(_l("Keep it under embargo until the vote on this proposal opens"))
    corrects_id = IntegerField(widget=HiddenInput(), validators=[Optional()])


class SessionForm(FlaskForm):
    subject = StringField(_l("About what"), validators=[Optional(), Length(max=SUBJECT_MAX)],
                          description=_l("e.g. the budget vote on Thursday."))
    counterparty = StringField(_l("With whom"), validators=[Optional(), Length(max=PARTY_MAX)],
                               description=_l("e.g. the Speaker's office, a lobbyist, a union."))
    at_the_table = TextAreaField(_l("Who is at the table"), validators=[Optional(), Length(max=TABLE_MAX)],
                                 description=_l("Everyone in the room or on the call, and whom they speak for."))
    starts_at = DateTimeLocalField(_l("Starts at (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                   description=_l("Leave empty to start now."))
    note_taker_email = EmailField(_l("Note-taker's email (optional)"), validators=[Optional(), Length(max=EMAIL_MAX)],
                                  description=_l("A member who may post for you while you talk."))
    proposal_ids = SelectMultipleField(_l("About the proposals (optional)"), coerce=int, validate_choice=False)
    mandate_ids = SelectMultipleField(_l("About your mandates (optional)"), coerce=int, validate_choice=False)
    embargo_until = DateTimeLocalField(_l("Embargo until (optional)"), validators=[Optional()],
                                       format="%Y-%m-%dT%H:%M",
                                       description=_l("Entries are sealed as you post them and shown from then on."))


class SessionEntryForm(FlaskForm):
    kind = RadioField(_l("What happened"), default="offer",
                      choices=[SelectChoice(kind.value, label) for kind, label in ENTRY_KINDS.items()])
    body = TextAreaField(_l("In their words, or yours"), validators=[Optional(), Length(max=ENTRY_MAX)])
    corrects_id = IntegerField(widget=HiddenInput(), validators=[Optional()])


class UrgentCallForm(FlaskForm):
    question = StringField(_l("What the table is stuck on"), validators=[Optional(), Length(max=TITLE_MAX)],
                           description=_l("Put as a question members answer yes or no, e.g. “Accept the "
                                          "committee seat in exchange for a yes vote?”"))
    directive = TextAreaField(_l("If the members say yes, the elected must"),
                              validators=[Optional(), Length(max=DIRECTIVE_MAX)])
    reason = TextAreaField(_l("Why it cannot wait"), validators=[Optional(), Length(max=REASON_MAX)])
    deadline = DateField(_l("The elected must act by"), validators=[Optional()])


class CloseSessionForm(FlaskForm):
    summary = TextAreaField(_l("Summary for the record"), validators=[Optional(), Length(max=SUMMARY_MAX)],
                            description=_l("Where things stand, what comes next. It stays with the session."))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[Optional(), Length(max=100)],
                       description=_l("What uses it, e.g. “phone-bank dashboard”."))
    days = IntegerField(_l("Valid for (days)"), default=90, validators=[InputRequired()])
    scopes = SelectMultipleField(_l("What it may do"), default=["read"], widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), validate_choice=False,
                                 choices=[SelectChoice("read", _l("Read what you may read")),
                                          SelectChoice("write", _l("Change things as you (propose, comment, sign, "
                                                                   "report…)")),
                                          SelectChoice("vote", _l("Cast your ballots"))],
                                 description=_l("Give a script no more than it needs."))


def notification_preferences_form(kinds: dict[str, str], deliveries: dict[str, str], current: dict[str, str]) -> FlaskForm:
    """One radio group a kind of notice: by mail, in the digest, or only in the list."""
    class NotificationPreferencesForm(FlaskForm):
        pass

    for name, label in kinds.items():
        setattr(NotificationPreferencesForm, name, RadioField(
            label, choices=[SelectChoice(value, text) for value, text in deliveries.items()], default=current[name],
            validators=[InputRequired(_l("Choose how this notice reaches you."))]))
    return NotificationPreferencesForm()


def webhook_form(formats: dict[str, str], kinds: dict[str, str], defaults: dict) -> FlaskForm:
    """Connecting a chat room: its name, the webhook URL, the kind of room and the events it hears of."""
    class WebhookForm(FlaskForm):
        name = StringField(_l("Room"), validators=[InputRequired(_l("Name the room."))],
                           description=_l("How steering will know it, e.g. “#general on Slack”."))
        url = StringField(_l("Webhook URL"), validators=[InputRequired(_l("Paste the webhook's URL."))],
                          description=_l("Slack: Apps › Incoming Webhooks; Discord: channel settings › Integrations "
                                         "› Webhooks; Matrix: the URL hookshot's “!hookshot webhook” gives. Keep "
                                         "it secret: whoever has it can post to the room."))
        format = RadioField(_l("Kind of room"), choices=[SelectChoice(k, _l(v)) for k, v in formats.items()],
                            validators=[InputRequired(_l("Choose the kind of room."))])
        events = SelectMultipleField(_l("Events the room hears of"), widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput(), validate_choice=False,
                                     choices=[SelectChoice(k, v) for k, v in kinds.items()])

    return WebhookForm(data=defaults)


def language_form(names: dict[str, str], offered: list[str], current: str | None) -> FlaskForm:
    """The member's language: one of those offered, or whatever their browser asks for."""
    class LanguageForm(FlaskForm):
        language = RadioField(_l("Language of the pages"), default=current or "",
                              choices=[SelectChoice("", _l("As my browser asks"))]
                              + [SelectChoice(code, names[code]) for code in offered])

    return LanguageForm()


def chapter_language_form(names: dict[str, str], offered: list[str], current: str) -> FlaskForm:
    """The chapter's language: for whoever chose none and whose browser asks for none offered."""
    class ChapterLanguageForm(FlaskForm):
        language = RadioField(_l("The chapter's language"), default=current,
                              choices=[SelectChoice(code, names[code]) for code in offered])

    return ChapterLanguageForm()


# --- the platform and the committee -----------------------------------------------------------

class PlankForm(FlaskForm):
    """A plank proposal: new, or amending the plank in force (its text filled in to edit)."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)],
                        description=_l("e.g. “No tax abatements for luxury towers”."))
    plank = TextAreaField(_l("The plank: what every elected it binds must always do"),
                          validators=[Optional(), Length(max=DIRECTIVE_MAX)],
                          description=_l("e.g. “Vote no on every tax abatement above $1M.” It stands until the "
                                         "members amend or repeal it."))
    body = TextAreaField(_l("Argument and background (Markdown)"), validators=[Optional(), Length(max=TEXT_MAX)])
    binds = RadioField(_l("Whom it binds"), default="all",
                       choices=[SelectChoice("all", _l("Every elected of the chapter, those elected later included")),
                                SelectChoice("named", _l("The electeds named below"))])
    electeds = SelectMultipleField(_l("Electeds it binds"), coerce=int, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    visibility = RadioField(_l("Who can read it"), choices=[SelectChoice("members", _l("Members only")),
                                                            SelectChoice("public", _l("Public"))], default="members")


class RepealForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Why repeal it (Markdown)"), validators=[Optional(), Length(max=TEXT_MAX)])
    visibility = RadioField(_l("Who can read it"), choices=[SelectChoice("members", _l("Members only")),
                                                            SelectChoice("public", _l("Public"))], default="members")


class SeatsForm(FlaskForm):
    emails = TextAreaField(_l("Members of the committee: one email a line"), validators=[Optional(), Length(max=20_000)],
                           description=_l("Those in good standing decide; each of them records their vote."))


class CommitteeVoteEntry(Form):
    """One committee member's vote (a sub-form: the decision form carries the CSRF token)."""

    membership_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    vote = SelectField(_l("Vote"), validate_choice=False)


class CommitteeDecisionForm(FlaskForm):
    """Shape only, as for a proposal: the service checks the whole decision at once."""

    title = StringField(_l("The question"), validators=[Optional(), Length(max=TITLE_MAX)],
                        description=_l("e.g. “How to vote on the Harbor Point abatement on Thursday”."))
    decision = TextAreaField(_l("The decision the elected faces"), validators=[Optional(), Length(max=TEXT_MAX)])
    deadline = DateField(_l("Deadline"), validators=[Optional()],
                         description=_l("The committee decides only what must be settled before a referendum could "
                                        "be."))
    deadline_time = TimeField(_l("…at (optional)"), validators=[Optional()], format="%H:%M")
    body = TextAreaField(_l("Background (Markdown)"), validators=[Optional(), Length(max=TEXT_MAX)])
    electeds = SelectMultipleField(_l("Electeds it directs"), coerce=int, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    options = FieldList(FormField(OptionEntry), label=_l("The options the committee weighed, each with its directive"),
                        min_entries=3, max_entries=12)
    chosen = IntegerField(_l("The option the committee chose (its number)"), validators=[Optional()])
    reasoning = TextAreaField(_l("The committee's reasoning"), validators=[Optional(), Length(max=TEXT_MAX)])
    plank_ids = SelectMultipleField(_l("The planks it rests on"), coerce=int, widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    votes = FieldList(FormField(CommitteeVoteEntry), label=_l("How each member voted"))
    embargo_until = DateTimeLocalField(_l("Embargo until (optional)"), validators=[Optional()],
                                       format="%Y-%m-%dT%H:%M",
                                       description=_l("Members see it from then on; the elected at once. By the "
                                                      "deadline at the latest."))
    visibility = RadioField(_l("Who can read it"), choices=[SelectChoice("members", _l("Members only")),
                                                            SelectChoice("public", _l("Public"))], default="members")


# --- paper ballots ----------------------------------------------------------------------------

class TellersForm(FlaskForm):
    emails = TextAreaField(_l("Tellers: one email a line"), validators=[Optional(), Length(max=5_000)],
                           description=_l("Members in good standing. Two of them enter each batch of paper ballots."))


class PaperMarkForm(FlaskForm):
    email = EmailField(_l("The member's email"), validators=[DataRequired(), Length(max=EMAIL_MAX)],
                       description=_l("Marks them on the roll as voting on paper: no online ballot is taken from "
                                      "them after this."))


class PaperBatchForm(FlaskForm):
    """A batch as counted: a count per choice (yes/no), or one ranking a line (ranked)."""

    label = StringField(_l("Batch"), validators=[Optional(), Length(max=120)],
                        description=_l("e.g. “Box 1, general meeting”: the second teller enters the same name."))
    yes = IntegerField(_l("Yes"), validators=[Optional()], default=0)
    no = IntegerField(_l("No"), validators=[Optional()], default=0)
    abstain = IntegerField(_l("Abstain"), validators=[Optional()], default=0)
    rankings = TextAreaField(_l("One ballot a line, options in order of preference separated by >"),
                             validators=[Optional(), Length(max=200_000)],
                             description=_l("A line with only - is a blank ballot (an abstention)."))


# --- elections --------------------------------------------------------------------------------

class ElectionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)],
                        description=_l("e.g. “Bargaining committee, 2027”."))
    office = StringField(_l("What is elected"), validators=[Optional(), Length(max=160)],
                         description=_l("e.g. “the bargaining committee”, “delegates to the convention”."))
    seats = IntegerField(_l("Seats"), validators=[Optional()], default=1)
    nominations_close_at = DateTimeLocalField(_l("Nominations close"), validators=[Optional()],
                                              format="%Y-%m-%dT%H:%M")
    body = TextAreaField(_l("What the seats are for (Markdown)"), validators=[Optional(), Length(max=TEXT_MAX)])
    visibility = RadioField(_l("Who can read it"), choices=[SelectChoice("members", _l("Members only")),
                                                            SelectChoice("public", _l("Public"))], default="members")


class NominateForm(FlaskForm):
    email = EmailField(_l("Nominate a member (their email, or yours)"),
                       validators=[DataRequired(), Length(max=EMAIL_MAX)])


class NominationAnswerForm(FlaskForm):
    statement = TextAreaField(_l("Your statement (Markdown)"), validators=[Optional(), Length(max=5_000)],
                              description=_l("Why you stand: members read it beside your name."))


# --- general meetings -------------------------------------------------------------------------

class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)],
                        description=_l("e.g. “Spring general meeting”."))
    starts_at = DateTimeLocalField(_l("Starts"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Planned end"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)],
                        description=_l("The room and address; leave empty for a meeting held online only."))
    video_url = StringField(_l("Video link"), validators=[Optional(), Length(max=500)],
                            description=_l("For members attending from afar; leave empty for a meeting in the room "
                                           "only."))
    remote_check_in = BooleanField(_l("Members attending by video may check in online (and vote)"))
    chair_email = EmailField(_l("Chair (their email)"), validators=[Optional(), Length(max=EMAIL_MAX)],
                             description=_l("Empty: you chair it."))
    teller_emails = TextAreaField(_l("Tellers (one email a line)"), validators=[Optional(), Length(max=5_000)],
                                  description=_l("They check members in, open and close votes, and count paper "
                                                 "ballots."))
    agenda = SelectMultipleField(_l("Agenda: proposals the meeting votes on"), coerce=int,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class CheckInForm(FlaskForm):
    code = StringField(_l("The code on the room's screen"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Six digits; it changes every minute."),
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class TellerCheckInForm(FlaskForm):
    email = EmailField(_l("Check in a member (their email)"), validators=[DataRequired(), Length(max=EMAIL_MAX)],
                       description=_l("Start typing a name or an email: the roster suggests those not checked in."),
                       render_kw={"list": "roster"})


class MeetingVoteForm(FlaskForm):
    proposal_id = HiddenField(validators=[DataRequired()])
    minutes = IntegerField(_l("Minutes"), validators=[InputRequired()])
