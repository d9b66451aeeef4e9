"""What citizens and caseworkers read on the case pages and in their letters: no version
counters, and letters described by how they actually reach the citizen, newest first."""

import datetime
import re

from helhed.casework import outbox, services
from helhed.casework.models import CaseStatus, LetterKind
from helhed.registry import services as registry
from tests.casework.conftest import NOW, TODAY, case_in


def test_the_case_page_shows_no_version_counter_but_keeps_it_for_concurrent_changes(client, karen, worker):
    case = case_in(CaseStatus.HEARING, citizen=karen, actor=worker)
    client.force_login(worker)
    body = client.get(f"/sager/{case.pk}/").content.decode()
    assert case.version > 1
    assert "<dt>Version</dt>" not in body and not re.search(r">\s*Version\s+\d", body)
    # The version still travels with every action, in a hidden field (optimistic locking).
    hidden = re.findall(r'<input type="hidden" name="[a-z]+-version" value="(\d+)"', body)
    assert hidden and set(hidden) == {str(case.version)}


def _three_letters_out_of_date_order(case):
    """Letters dated 10, 2 and 20 February, written in that order and sent in one outbox run
    (so they share the time they were sent)."""
    for day in (10, 2, 20):
        services.queue_letter(case=case, kind=LetterKind.RECEIPT, on=datetime.date(2026, 2, day),
                              key=f"test-brev-{day}")
    outbox.deliver(now=NOW)


def _dates_in_order(body: str) -> list[str]:
    letters = body[body.index('id="breve"'):body.index('id="sager"')]
    return re.findall(r"(\d{1,2}\. februar 2026) fra", letters)


def test_an_exempt_citizen_reads_that_the_letters_come_by_post_newest_first(client, karen, worker):
    registry.register_digital_post_exemption(citizen=karen, ground="no_internet", registered_on=TODAY)
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    _three_letters_out_of_date_order(case)
    client.force_login(karen.user)
    body = client.get("/sager/post/").content.decode()
    assert "<h1>Mine breve</h1>" in body and "<h1>Digital Post</h1>" not in body
    assert "dine breve kommer med posten som papirbreve" in body
    assert "Du får dem i Digital Post" not in body and "Sendt til Digital Post" not in body
    assert body.count("Sendt med posten som papirbrev.") == case.letters.count()
    assert _dates_in_order(body) == ["20. februar 2026", "10. februar 2026", "2. februar 2026"]
    # The same order on every view: letters sent in one run do not swap places.
    assert _dates_in_order(client.get("/sager/post/").content.decode()) == _dates_in_order(body)


def test_a_citizen_in_digital_post_reads_that_the_letters_are_there(client, karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    _three_letters_out_of_date_order(case)
    client.force_login(karen.user)
    body = client.get("/sager/post/").content.decode()
    assert "Du får dem i Digital Post" in body and "med posten" not in body
    assert _dates_in_order(body) == ["20. februar 2026", "10. februar 2026", "2. februar 2026"]
