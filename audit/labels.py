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
    "inquiry.log": _("Question or comment logged"),
    "inquiry.answer": _("Question or comment answered"),
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "admin.add": _("Added in the admin"),
    "admin.change": _("Changed in the admin"),
}
