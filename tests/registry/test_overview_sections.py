import pytest

from helhed.core.models import AuditRecord
from helhed.registry import overview
from helhed.registry.overview import OverviewSection, register_overview_section


@pytest.fixture
def section(tmp_path, settings):
    (tmp_path / "test_section.html").write_text("<p>Ordning: {{ data.kind }}</p>")
    engine = settings.TEMPLATES[0]
    # Assigned anew (not changed in place) so that Django reloads its template engines.
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    calls = []

    def load(*, user, citizen, today):
        calls.append(user)
        return {"kind": "kontantkort"} if citizen.first_name == "Karen" else None

    register_overview_section(OverviewSection(key="test", title="Kontantadgang", template="test_section.html",
                                              what="Kontantordninger", load=load))
    yield calls
    overview._SECTIONS.pop("test")


def test_a_registered_section_is_shown_and_named_in_the_audit(client, aarhus_caseworker, aarhus_citizen, section):
    client.force_login(aarhus_caseworker)
    body = client.get(f"/borgere/{aarhus_citizen.pk}/").content.decode()
    assert '<h2 id="sektion-test">Kontantadgang</h2>' in body and "Ordning: kontantkort" in body
    assert section == [aarhus_caseworker]
    assert AuditRecord.objects.get(citizen_uuid=aarhus_citizen.pk).what.endswith(", Kontantordninger")


def test_a_section_with_nothing_to_show_is_left_out(client, aarhus_caseworker, section):
    from tests.factories import make_citizen

    other = make_citizen(first_name="Kaj")
    client.force_login(aarhus_caseworker)
    assert 'id="sektion-test"' not in client.get(f"/borgere/{other.pk}/").content.decode()
    assert "Kontantordninger" not in AuditRecord.objects.get(citizen_uuid=other.pk).what
