"""The Kvik-linje page tells an organisation what each of its keys may do, in Danish, not
the API's scope names."""

from helhed.core.roles import Role
from helhed.fasttrack import services
from helhed.fasttrack.models import KeyScope
from tests.factories import UserFactory


def test_the_organisation_page_names_what_each_key_may_do(client, ft):
    services.create_key(organisation=ft["husforbi"], name="Kun status", scopes=[KeyScope.CASE_STATUS_READ])
    member = UserFactory(role=Role.USERORG_MEMBER, organisation="Hus Forbi")
    ft["husforbi"].members.add(member)
    client.force_login(member)
    body = client.get("/kvik-linje/").content.decode()
    for scope in KeyScope:
        assert scope.value not in body, f"the scope name {scope.value!r} is shown"
    assert ("<td>Slå sagsstatus op; Stille spørgsmål til Udbetaling Danmark; Læse spørgsmål og svar</td>"
            in body)
    assert "<td>Slå sagsstatus op</td>" in body
    assert "Nøglen må</th>" in body and "Rettigheder" not in body
