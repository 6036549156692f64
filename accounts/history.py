"""Which of an account's audit events each user may see (issue 11, defect 1).

The account page shows the account's audit trail. Most of it is evidence: why a visitor was
blocked, that a question was criticism, consents, screenshot SHA-256s, who downloaded a removed
post's record, handover notes, weeding. Evidence is never public (REC-1 material is disclosed on
request, by the registrar, after a secrecy review): it is shown only to those who may see the
account's evidence (accounts.permissions.can_see_whole_history, the same people as its
screenshots). Everyone else who may see the account sees its lifecycle only: the events below,
which say nothing the account page and its approval page do not already show them (the request
and decisions, the status, the owner and deputy over time, the account's own fields).

LIFECYCLE_ACTIONS is an allow-list: an action not named in it is evidence, so a new kind of
event cannot leak by default. EVIDENCE_ACTIONS names the rest, so that a test can check that
every action the code records has been considered (tests/accounts/test_history.py); an entry that
ends in "." covers a family of actions whose target is never an account's lifecycle (the admin,
exports, units, absences, API tokens).
"""

LIFECYCLE_ACTIONS = frozenset(
    {
        "account.create",
        "account.update",  # the account's own fields, all shown on its page
        "account.status",  # submitted, returned, approved, live, decommissioning, decommissioned
        "account.sender_checklist",  # SEND-1..3, before it goes live
        "account.decommission_checklist",  # DECOM-1/2
        "assignment.owner",  # also on the page: "owners and deputies over time" (RES-2)
        "assignment.deputy",
        "decision.manager",  # START-1; the decisions are on the approval page
        "decision.comms",  # START-2
        "decision.retroactive",
        "decision.registry_reference",
    }
)

EVIDENCE_ACTIONS = frozenset(
    {
        "handover.propose",  # carries the handover note
        "handover.accepted",
        "handover.declined",
        "handover.assign",  # appointed directly by comms (issue 13), carries the reason
        "handover.cancelled",  # offered to someone who then left KI (issue 13)
        "publisher.",  # people with access and their confirmation (START-1, PRIV-2)
        "access_review.record",  # the owner's yearly access review (START-1)
        "partner.",  # the list of collaboration partners (PURP-4), about no account
        "snapshot.upload",  # SHA-256 of each screenshot (REC-4, REC-5)
        "capture.",  # automatic start-page captures: SHA-256s, refused addresses (issue 17, REC-5)
        "ping.",  # the ping address made or renewed (MON-1)
        "login.",  # failed and refused logins (about people, never shown on an account's page)
        "follow_up.record",  # PURP-3
        "follow_up.acknowledge",
        "cover.",  # temporary cover: a stand-in or comments off for a period (MON-2, DECOM-2)
        "incident.",  # removed posts: category, downloads, hand-off, reference (CONT-2, REC-3/4)
        "inquiry.",  # questions and criticism (ANS-1..3)
        "block.",  # the blocking log and its reasons (CONT-1)
        "consent.",  # media consents (MEDIA-1..3)
        "records_request.",  # requests for public records and legal holds (REC-1)
        "impostor_case.",  # impostor reports and cases (issue 14; never about a registered account)
        "webhook.",  # webhook endpoints registered, changed, disabled (issue 14; about other KI systems)
        "retention.set",  # WEED-2
        "weeding.decide",  # WEED-1
        "admin.",
        "accessibility_report.",  # reports about the portal itself (issue 15), never an account's
        "export.",
        "unit.",
        "platform.",  # the platform catalogue (issue 14), never an account's
        "absence.",
        "api_token.",
        "user.",  # people created and updated (single sign-on, the People page)
        "role.",  # roles granted and revoked
        "password.",  # local accounts' passwords reset and changed (about people)
    }
)


def is_lifecycle(action: str) -> bool:
    """Whether anyone who may see the account may see an event with this action."""
    return action in LIFECYCLE_ACTIONS


def is_classified(action: str) -> bool:
    """Whether the action is named in one of the two lists (a test asks this of every action)."""
    return is_lifecycle(action) or any(
        action == name or (name.endswith(".") and action.startswith(name)) for name in EVIDENCE_ACTIONS
    )
