"""PATCH update_avatar, update_banner and update_background (both prefixes, every store): an image as
an upload or a data: URI, or "" to clear; what they answer and what the Account entity then shows."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.media import png

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PNG = png(2, 2, lambda y: b"\xff\x00\x00\x00\xff\x00")
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 16
BASE = "http://127.0.0.1:4000"
PREFIXES = ("/api/v1/pleroma", "/api/pleroma")
# endpoint → (its parameter, where the Account entity shows the image, what it shows when unset)
ENDPOINTS = {
    "update_avatar": ("img", ("avatar",), f"{BASE}/images/avi.png"),
    "update_banner": ("banner", ("header",), f"{BASE}/images/banner.png"),
    "update_background": ("img", ("pleroma", "background_image"), None),
}


def shown(client, headers, where):
    value = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    for key in where:
        value = value[key]
    return value


def media_files(settings) -> list[str]:
    root = Path(settings.data_dir) / "media"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_an_uploaded_image_is_set_shown_served_and_cleared(client, api, settings, prefix, name):
    param, where, unset = ENDPOINTS[name]
    _, headers = api.login("alice")
    r = client.patch(
        f"{prefix}/accounts/{name}", headers=headers, files={param: ("me.png", PNG, "image/png")}
    )
    assert r.status_code == 200, r.text
    url = r.json()["url"]
    assert url.startswith(f"{BASE}/media/") and url.endswith(".png")
    assert shown(client, headers, where) == url
    assert client.get(url[len(BASE) :]).content == PNG
    assert len(media_files(settings)) == 1

    r = client.patch(f"{prefix}/accounts/{name}", headers=headers, data={param: ""})
    assert (r.status_code, r.json()) == (200, {"url": None})
    assert shown(client, headers, where) == unset
    assert media_files(settings) == []  # the old file went with it


@pytest.mark.parametrize("name", ENDPOINTS)
def test_json_clients_send_a_data_uri_and_a_new_image_replaces_the_old(client, api, settings, name):
    param, where, _ = ENDPOINTS[name]
    _, headers = api.login("alice")
    first = client.patch(
        f"/api/v1/pleroma/accounts/{name}", headers=headers, files={param: ("a", PNG, "image/png")}
    )
    uri = "data:image/png;base64," + base64.b64encode(GIF).decode()
    r = client.patch(f"/api/v1/pleroma/accounts/{name}", headers=headers, json={param: uri})
    assert r.status_code == 200, r.text
    assert r.json()["url"].endswith(".gif") and r.json()["url"] != first.json()["url"]
    assert shown(client, headers, where) == r.json()["url"]
    assert [f.endswith(".gif") for f in media_files(settings)] == [True]


def test_an_empty_file_input_clears_like_an_empty_value(client, api):
    _, headers = api.login("alice")
    client.patch(
        "/api/v1/pleroma/accounts/update_avatar", headers=headers, files={"img": ("a.png", PNG, "image/png")}
    )
    r = client.patch(
        "/api/v1/pleroma/accounts/update_avatar",
        headers=headers,
        files={"img": ("", b"", "application/octet-stream")},
    )
    assert (r.status_code, r.json()) == (200, {"url": None})


@pytest.mark.parametrize(
    "name, kw, status, error",
    [
        ("update_avatar", {"data": {}}, 400, "Missing field: img."),
        ("update_banner", {"data": {"img": ""}}, 400, "Missing field: banner."),
        (
            "update_avatar",
            {"files": {"img": ("x.svg", b"<svg/>", "image/svg+xml")}},
            422,
            "Avatar must be a PNG, GIF, JPEG or WebP image.",
        ),
        (
            "update_banner",
            {"json": {"banner": "https://elsewhere.example/b.png"}},
            422,
            "Header must be an uploaded image, a base64 data: URI, or an empty string to remove it.",
        ),
        (
            "update_background",
            {"json": {"img": "data:image/png;base64," + base64.b64encode(b"GIF? no").decode()}},
            422,
            "Background image must be a PNG, GIF, JPEG or WebP image.",
        ),
    ],
)
def test_what_is_no_image_is_refused_and_changes_nothing(client, api, settings, name, kw, status, error):
    _, headers = api.login("alice")
    r = client.patch(f"/api/pleroma/accounts/{name}", headers=headers, **kw)
    assert (r.status_code, r.json()) == (status, {"error": error})
    assert media_files(settings) == []


def test_an_image_above_the_upload_limit_is_413(make_settings, checked_client):
    c = checked_client(create_app(make_settings(upload_limit=len(PNG) - 1)))
    svc = c.app.state.services
    me = c.portal.call(lambda: create_account(svc.ctx, "me", "me@example.test", "pw"))
    headers = {
        "Authorization": f"Bearer {c.portal.call(lambda: cli_token(svc.ctx, me, 'write')).access_token}"
    }
    for kw in (
        {"files": {"img": ("a.png", PNG, "image/png")}},
        {"json": {"img": "data:;base64," + base64.b64encode(PNG).decode()}},
    ):
        r = c.patch("/api/v1/pleroma/accounts/update_avatar", headers=headers, **kw)
        assert (r.status_code, r.json()) == (413, {"error": "File is too large"})


def test_changing_images_needs_a_login_with_write_accounts(client, api, basic_auth):
    me = api.user("alice")
    path = "/api/v1/pleroma/accounts/update_avatar"
    r = client.patch(path, data={"img": ""})
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    r = client.patch(
        path, headers={"Authorization": f"Bearer {api.token(me, 'read write:statuses')}"}, data={"img": ""}
    )
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:accounts."})
    r = client.patch(
        path, headers={"Authorization": f"Bearer {api.token(me, 'write:accounts')}"}, data={"img": ""}
    )
    assert r.status_code == 200
    assert client.patch(path, headers=basic_auth("alice", "secret"), data={"img": ""}).status_code == 200
