from helhed.core.models import Municipality, User


def test_administrator_creates_a_caseworker_for_two_municipalities(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/core/user/add/", {
        "username": "ny.sagsbehandler", "password1": "lang-og-sikker-2026", "password2": "lang-og-sikker-2026",
        "role": "caseworker", "municipalities": [751, 727], "organisation": "", "usable_password": "true",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="ny.sagsbehandler")
    assert user.role == "caseworker"
    assert set(user.municipalities.values_list("code", flat=True)) == {751, 727}


def test_administrator_manages_municipalities(client, admin_user):
    client.force_login(admin_user)
    assert "Aarhus" in client.get("/admin/core/municipality/?q=aarhus").content.decode()
    response = client.post("/admin/core/municipality/751/change/", {
        "code": 751, "name": "Aarhus", "region": "Midtjylland", "region_code": 1082, "iso_code": "DK-82",
    })
    assert response.status_code == 302
    assert Municipality.objects.get(code=751).region == "Midtjylland"


def test_the_98_municipalities_are_loaded(db):
    assert Municipality.objects.count() == 98
    assert Municipality.objects.get(code=101).name == "København"
    assert Municipality.objects.get(code=851).region == "Nordjylland"


def test_citizens_are_not_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/registry/citizen/").status_code == 404


def test_municipalities_are_named_as_they_name_themselves(db):
    assert str(Municipality.objects.get(code=101)) == "Københavns Kommune"
    assert str(Municipality.objects.get(code=400)) == "Bornholms Regionskommune"
    assert str(Municipality.objects.get(code=751)) == "Aarhus Kommune"
