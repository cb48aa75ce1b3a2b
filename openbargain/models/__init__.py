"""The models, one module per aggregate; importing this package registers every table."""
from openbargain.models.api_token import TOKEN_SCOPES, LoginSession, PersonalAccessToken, SpentRefreshToken
from openbargain.models.audit import AuditEvent
from openbargain.models.base import Base
from openbargain.models.bargaining_session import (
    BargainingSession,
    EntryKind,
    SessionEntry,
    SessionLink,
    SessionReaction,
    SessionWatcher,
    Temperature,
    TemperatureChange,
)
from openbargain.models.bylaws import BallotPublication, Bylaws
from openbargain.models.chapter import Chapter, Membership, Role, Standing
from openbargain.models.committee import (
    CallUpSignature,
    CommitteeChoice,
    CommitteeDecision,
    CommitteeDecisionPlank,
    CommitteeSeat,
    CommitteeVote,
    DecisionState,
)
from openbargain.models.election import Election, ElectionWinner, Nomination
from openbargain.models.escalation import Escalation, EscalationSignature
from openbargain.models.invitation import Invitation
from openbargain.models.notification import Follow, Notification, NotificationPreference, RollNotice
from openbargain.models.outbox import MailMerge, OutboxMail
from openbargain.models.webhook import Webhook, WebhookDelivery
from openbargain.models.mandate import (
    MANDATE_TRANSITIONS,
    BargainingLink,
    BargainingEntry,
    ComplianceReport,
    Mandate,
    MandateSource,
    MandateStatus,
    ReportOutcome,
    ReportReview,
)
from openbargain.models.proposal import (
    PROPOSAL_TRANSITIONS,
    Amendment,
    AmendmentKind,
    AmendmentSignature,
    AmendmentState,
    BallotKind,
    Comment,
    DirectedElected,
    Option,
    PetitionSignature,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Revision,
    Stance,
    StatedAction,
    StatedReason,
    UrgencySignature,
    Visibility,
)
from openbargain.models.meeting import AgendaItem, Attendance, CheckIn, Meeting, MeetingStatus, MeetingTeller
from openbargain.models.paper import PaperBatch, PaperBatchEntry, Teller
from openbargain.models.platform import Plank
from openbargain.models.referendum import (
    Ballot,
    BallotTracker,
    Referendum,
    ReferendumStatus,
    SealedBallot,
    VoidedTracker,
    VoterRollEntry,
)
from openbargain.models.result import Result, ResultExport
from openbargain.models.roll_call import BillLink, RecordedVote, RecordMatch, RollCall, SourceId
from openbargain.models.user import User
from openbargain.models.verdict import Rating, Verdict

__all__ = [
    "AgendaItem",
    "Attendance",
    "CheckIn",
    "Meeting",
    "MeetingStatus",
    "MeetingTeller",
    "MANDATE_TRANSITIONS", "BargainingLink", "BargainingEntry", "ComplianceReport", "Mandate", "MandateStatus", "ReportOutcome",
    "ReportReview", "PROPOSAL_TRANSITIONS", "Amendment", "AmendmentKind", "AmendmentSignature", "AmendmentState", "AuditEvent",
    "BargainingSession", "EntryKind", "SessionEntry", "SessionLink", "SessionReaction", "SessionWatcher", "Temperature", "TemperatureChange",
    "TOKEN_SCOPES", "LoginSession", "Ballot", "BallotKind", "BallotPublication", "BallotTracker", "Base", "Bylaws", "Chapter", "Comment", "DirectedElected", "Invitation", "Follow", "Membership", "MailMerge", "Notification", "NotificationPreference", "RollNotice", "Option", "OutboxMail",
    "PersonalAccessToken", "PetitionSignature", "Proposal", "ProposalStatus", "Referendum", "ReferendumStatus", "Result", "ResultExport", "Revision", "Role",
    "SealedBallot", "SpentRefreshToken", "Stance", "Standing", "StatedAction", "StatedReason", "UrgencySignature", "User", "Rating", "Verdict", "Escalation", "EscalationSignature", "BillLink", "RecordedVote", "RecordMatch", "RollCall", "SourceId", "Visibility", "VoterRollEntry", "Webhook", "WebhookDelivery",
    "CallUpSignature", "CommitteeChoice", "CommitteeDecision", "CommitteeDecisionPlank", "CommitteeSeat", "CommitteeVote",
    "DecisionState", "MandateSource", "Plank", "ProposalKind", "VoidedTracker", "PaperBatch", "PaperBatchEntry", "Teller", "Election", "ElectionWinner", "Nomination",
]
