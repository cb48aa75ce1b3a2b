"""The models, one module per aggregate; importing this package registers every table."""
from openbargain.models.audit import AuditEvent
from openbargain.models.base import Base
from openbargain.models.chapter import Chapter, Membership, Role, Standing
from openbargain.models.invitation import Invitation
from openbargain.models.user import User

__all__ = [
    "AuditEvent", "Base", "Chapter", "Invitation", "Membership", "Role", "Standing", "User",
]
