"""Every model of every domain, imported in one place so that the metadata is complete for migrations,
the drift test and table-level tools, whichever blueprints are registered."""

from __future__ import annotations

from techmarket.accounts.api_tokens import ApiToken
from techmarket.accounts.models import BureauArea, LoginThrottle, User, UserLogin, UserRole
from techmarket.accounts.notifications import Notification
from techmarket.challenges.models import (
    Application,
    ApplicationFile,
    Call,
    CallObjection,
    ExpertProfile,
    Member,
    Milestone,
    MilestoneFile,
    NdaAcceptance,
    Question,
    Review,
    Transfer,
)
from techmarket.contracts.models import (
    Contract,
    ContractDocument,
    ContractEvent,
    ContractIPItem,
    ContractParty,
    Instalment,
    NonTechItem,
    Payment,
)
from techmarket.core.audit import AuditEntry, AuditHead
from techmarket.core.local_jobs import QueuedJob
from techmarket.core.progress import JobRun
from techmarket.incentives.brokers.models import Broker, BrokerDeal
from techmarket.incentives.claims.models import ClaimContract, ClaimObjection, ClaimStep, SubsidyClaim
from techmarket.incentives.models import Disbursement, Statement, StatementFlag
from techmarket.listings.models import (
    Attachment,
    Bookmark,
    InquiryMessage,
    InquiryThread,
    IPItem,
    Listing,
    ListingTag,
    Revision,
)
from techmarket.matching.models import AlertDelivery, AlertDigest, MatchFeedback, Subscription
from techmarket.orgs.models import Division, Invitation, Membership, Organisation
from techmarket.payments.models import MarketPayment, PaymentReceipt, WebhookEvent
from techmarket.reporting.models import Body, TallyCell, TallyFact, YearlyReport
from techmarket.rulesets.models import RuleSetVersion, SavedCalculation
from techmarket.search.models import SearchDocument, SearchOutbox, SearchTag
from techmarket.trading.auctions.models import Auction, AuctionBidder, AuctionDeposit, AuctionObjection, Bid
from techmarket.trading.models import Deal, Negotiation, Offer, Registration, Sale
from techmarket.webhooks.models import WebhookDelivery, WebhookSubscription

# Structures the migrations create by hand for one database only; autogenerate and the drift test skip them.
DIALECT_ONLY = ("search_fts", "ix_search_document_tsv", "search_tsv")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (name or "").startswith(DIALECT_ONLY)


__all__ = [
    "AlertDelivery",
    "AlertDigest",
    "ApiToken",
    "Application",
    "ApplicationFile",
    "Attachment",
    "Auction",
    "AuctionBidder",
    "AuctionDeposit",
    "AuctionObjection",
    "AuditEntry",
    "AuditHead",
    "Bid",
    "Body",
    "Bookmark",
    "Broker",
    "BrokerDeal",
    "BureauArea",
    "Call",
    "CallObjection",
    "ClaimContract",
    "ClaimObjection",
    "ClaimStep",
    "Contract",
    "ContractDocument",
    "ContractEvent",
    "ContractIPItem",
    "ContractParty",
    "Deal",
    "Disbursement",
    "Division",
    "ExpertProfile",
    "IPItem",
    "InquiryMessage",
    "InquiryThread",
    "Instalment",
    "Invitation",
    "JobRun",
    "Listing",
    "ListingTag",
    "LoginThrottle",
    "MarketPayment",
    "MatchFeedback",
    "Member",
    "Membership",
    "Milestone",
    "MilestoneFile",
    "NdaAcceptance",
    "Negotiation",
    "NonTechItem",
    "Notification",
    "Offer",
    "Organisation",
    "Payment",
    "PaymentReceipt",
    "Question",
    "QueuedJob",
    "Registration",
    "Review",
    "Revision",
    "RuleSetVersion",
    "Sale",
    "SavedCalculation",
    "SearchDocument",
    "SearchOutbox",
    "SearchTag",
    "Statement",
    "StatementFlag",
    "Subscription",
    "SubsidyClaim",
    "TallyCell",
    "TallyFact",
    "Transfer",
    "User",
    "UserLogin",
    "UserRole",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "YearlyReport",
]


