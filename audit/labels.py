"""What each audit action means, in words, for the history shown to users. Apps name their actions
"<object>.<verb>"; an action missing here is shown as its code."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "account.create": _("Account registered"),
    "account.update": _("Account changed"),
    "account.status": _("Status changed"),
    "account.sender_checklist": _("Sender checklist confirmed"),
    "account.decommission_checklist": _("Decommissioning checklist ticked"),
    "assignment.owner": _("New account owner"),
    "assignment.deputy": _("New deputy"),
    "decision.manager": _("Manager's decision"),
    "decision.comms": _("Communications department's sign-off"),
    "decision.retroactive": _("Retroactive approval"),
    "decision.registry_reference": _("Registry reference number entered"),
    "handover.propose": _("Handover offered"),
    "handover.accepted": _("Handover accepted"),
    "handover.declined": _("Handover declined"),
    "snapshot.upload": _("Screenshot uploaded"),
    "ping.rotate": _("New ping address"),
    "follow_up.record": _("Follow-up recorded"),
    "follow_up.acknowledge": _("Follow-up acknowledged"),
    "absence.create": _("Absence registered"),
    "absence.delete": _("Absence removed"),
    "incident.log": _("Removed post logged"),
    "incident.hand_off": _("Removed post handed off"),
    "incident.registry_reference": _("Registry reference number entered"),
    "incident.export": _("Removed-post record downloaded"),
    "inquiry.log": _("Question or comment logged"),
    "inquiry.answer": _("Question or comment answered"),
    "inquiry.hand_off": _("Question or comment handed off"),
    "inquiry.registry_reference": _("Registry reference number entered"),
    "block.record": _("Visitor blocked"),
    "block.review": _("Block reviewed"),
    "block.unblock": _("Visitor unblocked"),
    "consent.record": _("Media consent recorded"),
    "records_request.log": _("Request for public records logged"),
    "records_request.close": _("Request for public records closed"),
    "records_request.bundle": _("Disclosure bundle made"),
    "records_request.bundle_download": _("Disclosure bundle downloaded"),
    "retention.set": _("Retention assessment changed"),
    "weeding.decide": _("Material weeded"),
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "export.inventory": _("Inventory exported"),
    "export.audit_trail": _("Audit trail exported"),
    "export.compliance": _("Compliance report exported"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "export.downloaded": _("Exported file downloaded"),
    "admin.add": _("Added in the admin"),
    "admin.change": _("Changed in the admin"),
    "admin.delete": _("Deleted in the admin"),
    "admin.relations": _("Memberships or permissions changed in the admin"),
    "admin.password": _("Password changed in the admin"),
}

# Why verify_audit_chain stopped (audit.chain.Break.reason).
CHAIN_BREAK_REASONS = {
    "content": _("the event no longer matches its hash: it was changed after it was written"),
    "link": _("its link to the event before it does not match: an event before it was removed or inserted"),
    "head": _(
        "the newest event seen by the previous verification is gone or changed: events were removed from the end"
    ),
}
