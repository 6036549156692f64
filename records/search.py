"""Records in the search across everything (issue 14, core.search): questions and comments by the
words of their summary or the reply's, removed posts by their description and blocks by the
visitor, on the accounts whose evidence the user may see (records.permissions.can_see_evidence:
records are never public, whoever may see the account); requests for public records by requester
or what is asked for, for those who may see them (records.permissions.can_see_requests)."""

from django.utils.translation import gettext_lazy as _

from accounts.querysets import evidence_condition
from core import search
from records import permissions
from records.models import Block, Incident, Inquiry, RecordsRequest


def _on_evidence_accounts(model, user):
    """The model's rows on the accounts whose evidence the user may see, in the query, as the
    registers scope them (accounts.querysets.evidence_condition): no condition at all for those
    who read every account. Issue 12, fifth pass: a semi-join on every account (comms) made
    PostgreSQL expect thousands of matches at 100 000 accounts and start a parallel worker, 3 ms
    of a search that found nothing."""
    return model.objects.filter(evidence_condition(user, "account"))


def find_questions(user, words):
    inquiries = search.text_search(_on_evidence_accounts(Inquiry, user), words, text=("summary", "reply_summary"))
    return inquiries.select_related("account", "account__platform").order_by("-received_at", "-pk")


def find_removed_posts(user, words):
    incidents = search.text_search(_on_evidence_accounts(Incident, user), words, text=("description",))
    return incidents.select_related("account", "account__platform").order_by("-removed_at", "-pk")


def find_blocks(user, words):
    blocks = search.text_search(_on_evidence_accounts(Block, user), words, fragments=("visitor",))
    return blocks.select_related("account", "account__platform").order_by("-blocked_at", "-pk")


def find_requests(user, words):
    if not permissions.can_see_requests(user):
        return None
    requests = search.text_search(RecordsRequest.objects.all(), words, text=("asked_for",), fragments=("requester",))
    return requests.order_by("-received_at", "-pk")


KINDS = (
    ("questions", _("Questions and comments"), find_questions, "_search_question.html"),
    ("removed-posts", _("Removed posts"), find_removed_posts, "_search_removed_post.html"),
    ("blocks", _("Blocks"), find_blocks, "_search_block.html"),
    ("records-requests", _("Requests for public records"), find_requests, "_search_request.html"),
)


def register() -> None:
    for order, (key, title, find, template) in enumerate(KINDS, start=40):
        search.register(
            search.SearchKind(key=key, title=title, find=find, template=f"records/includes/{template}", order=order)
        )
