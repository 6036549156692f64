"""The standard visitor notice (INF-1) for an account's description: messages to KI are public
records, and posts that break Swedish law or are found inappropriate are removed.

The texts are fixed wordings in their own languages, not interface strings: they are deliberately
not marked for translation, so the Swedish text stays Swedish whatever language the page is in.
"""

VISITOR_NOTICE_SV = (
    "Karolinska Institutet står bakom kontot. Meddelanden som skickas till oss här är allmänna handlingar "
    "och kan komma att diarieföras och lämnas ut. Inlägg som bryter mot svensk lag eller som vi bedömer "
    "som olämpliga tas bort."
)

VISITOR_NOTICE_EN = (
    "Karolinska Institutet is behind this account. Messages sent to us here are public records and may be "
    "registered and disclosed. Posts that break Swedish law or that we consider inappropriate will be removed."
)


def visitor_notice() -> dict[str, str]:
    """The notice by language code: {"sv": ..., "en": ...}, Swedish first."""
    return {"sv": VISITOR_NOTICE_SV, "en": VISITOR_NOTICE_EN}
