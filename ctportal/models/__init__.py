"""All models, one module per aggregate; importing this package registers every table."""
from ctportal.models.base import db, utcnow  # noqa: F401
from ctportal.models.plan import (  # noqa: F401
    Action, ActorGroup, FollowUpProcess, Footnote, FootnoteRef, LeadIn, Objective, PlanVersion)
from ctportal.models.accounts import (  # noqa: F401
    AccountToken, LoginSession, Party, PartyKind, RecoveryCode, Role, TokenPurpose, User)
from ctportal.models.rounds import DeadlineExtension, PriorityAction, Round, RoundState  # noqa: F401
from ctportal.models.reports import (  # noqa: F401
    Assessment, Entry, EntryKind, EntryReview, EntryStatus, LegalAct, Measure, Report, ReportEvent,
    ReportState, Revision, Verdict)
from ctportal.models.documents import Document, RevisionDocument, Sensitivity  # noqa: F401
from ctportal.models.comments import Comment, Visibility  # noqa: F401
from ctportal.models.messages import Notification, OutgoingMail, ReminderSent  # noqa: F401
from ctportal.models.audit import AuditEvent  # noqa: F401
from ctportal.models.compiled import (  # noqa: F401
    CompiledReport, CompiledReportRevision, CompileState, RenderedPart)
from ctportal.models.judgement import (  # noqa: F401
    CommissionText, CompiledReportText, Recommendation, TextKind, TextState)
from ctportal.models.follow_ups import FollowUp, FollowUpStatus  # noqa: F401
from ctportal.models.jobs import PartyPdfJob, ScheduledRun  # noqa: F401
from ctportal.models.api import ApiToken, ObserverConsent, ObserverParty  # noqa: F401
from ctportal.models.webhooks import DeliveryState, Webhook, WebhookDelivery  # noqa: F401
from ctportal.models.drafts import EntryDraft  # noqa: F401
from ctportal.models.partner import EntryWork, Institution, PartnerNote, SignOff  # noqa: F401
from ctportal.models.factcheck import FactcheckCorrection, FactcheckSlice  # noqa: F401
from ctportal.models.processes import ProcessKind, ProcessRecord  # noqa: F401
from ctportal.models.figures import Figure, Indicator  # noqa: F401
