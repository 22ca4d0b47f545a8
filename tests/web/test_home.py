import pytest


@pytest.mark.django_db
def test_the_home_page_links_to_what_exists(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "KWOKING" in html
    for link in ('href="/help/"', 'href="/orders/"', 'href="/api/v1/docs"'):
        assert link in html
    assert '<main id="main"' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_health_check(client):
    assert client.get("/healthz").content == b"ok"
