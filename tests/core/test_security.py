from passerelle import create_app


def test_forms_without_csrf_token_are_refused(migrated, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migrated,
                      "MAIL_DIR": str(tmp_path), "WTF_CSRF_ENABLED": True})
    response = app.test_client().post("/account/login", data={
        "email": "a@example.org", "password": "whatever whatever"})
    assert response.status_code == 400


def test_login_attempts_are_rate_limited(client):
    statuses = {client.post("/account/login", data={
        "email": "a@example.org", "password": "wrong wrong"}).status_code for _ in range(31)}
    assert 429 in statuses
