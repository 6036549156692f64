"""Every records page answers Cache-Control: private, no-store (issue 11, defect 10). The evidence
pages were covered in issue 10 (tests/records/test_permissions.py); these two were not."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("page", ["unit-inquiries", "visitor-notice"])
def test_the_other_records_pages_are_not_stored_by_a_cache_either(client, comms, evidence_account, page):
    """The unit's response-time figures and the visitor notice, like every other records page."""
    client.force_login(comms)
    pk = evidence_account.unit_id if page == "unit-inquiries" else evidence_account.pk

    response = client.get(reverse(f"records:{page}", args=[pk]))

    assert response.status_code == 200
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
