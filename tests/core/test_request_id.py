def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_proxys_request_id_is_kept_but_not_one_that_looks_like_a_cpr(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-123")["X-Request-ID"] == "proxy-abc-123"
    assert "2110625629" not in client.get("/healthz", HTTP_X_REQUEST_ID="id-2110625629")["X-Request-ID"]


def test_healthz_answers_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
