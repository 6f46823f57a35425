"""/api/v1/instance, /api/v2/instance and nodeinfo, as megalodon and Mastodon.py read them."""

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.instance import features

BASE = "http://127.0.0.1:4000"
SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"


def mastodon_py_version(version: str) -> tuple[int, ...]:
    """Mastodon.py's reading of the version string (utility.py): cut at a space, then at `+`."""
    numbers = version.split(" ")[0].split("+")[0].split(".")
    assert len(numbers) >= 3
    return tuple(int(n) for n in numbers[:3])


@pytest.mark.parametrize("path", ["/api/v1/instance", "/api/v1/instance/"])
def test_v1_instance_has_what_clients_read(client, api, settings, path):
    alice = api.user("alice")
    api.user("bob")
    auth = {"Authorization": f"Bearer {api.token(alice)}"}
    for visibility in ("public", "unlisted", "private"):
        posted = client.post(
            "/api/v1/statuses", json={"status": "hi", "visibility": visibility}, headers=auth
        )
        assert posted.status_code == 200
    r = client.get(path)
    assert r.status_code == 200
    body = r.json()
    assert body["uri"] == BASE
    assert body["title"] == "plerome"
    assert body["version"] == "2.7.2 (compatible; Pleroma 2.5.0; plerome 0.1.0)"
    assert mastodon_py_version(body["version"]) == (2, 7, 2)  # < 3.1.4: Mastodon.py uses /api/v1/media
    assert body["urls"] == {"streaming_api": "ws://127.0.0.1:4000"}
    assert body["stats"] == {"user_count": 2, "status_count": 2, "domain_count": 0}  # private not counted
    assert body["thumbnail"] == f"{BASE}/images/banner.png"
    assert body["languages"] == ["en"]
    assert body["registrations"] is False
    assert body["approval_required"] is False
    assert body["invites_enabled"] is False
    for key in ("short_description", "description", "email"):
        assert isinstance(body[key], str)
    assert body["max_toot_chars"] == 5000
    assert body["poll_limits"] == {
        "max_options": 20,
        "max_option_chars": 200,
        "min_expiration": 0,
        "max_expiration": 31536000,
    }
    limit = settings.upload_limit
    for key in ("upload_limit", "avatar_upload_limit", "background_upload_limit", "banner_upload_limit"):
        assert body[key] == limit
    assert body["background_image"].startswith(BASE + "/")
    config = body["configuration"]
    assert config["statuses"]["max_characters"] == 5000
    assert config["media_attachments"]["image_size_limit"] == limit
    assert "image/png" in config["media_attachments"]["supported_mime_types"]
    assert config["polls"]["max_characters_per_option"] == 200
    metadata = body["pleroma"]["metadata"]
    assert metadata["account_activation_required"] is False
    assert metadata["features"] == features(client.app.state.services)
    assert metadata["federation"]["enabled"] is False
    assert metadata["fields_limits"] == {
        "max_fields": 10,
        "max_remote_fields": 20,
        "name_length": 255,
        "value_length": 2047,
    }
    assert "text/plain" in metadata["post_formats"]
    assert metadata["privileged_staff"] is False
    assert body["pleroma"]["stats"] == {"mau": 0}
    assert "vapid_public_key" in body["pleroma"]


def test_both_spellings_answer_alike(client):
    assert client.get("/api/v1/instance").json() == client.get("/api/v1/instance/").json()
    assert client.get("/api/v2/instance").json() == client.get("/api/v2/instance/").json()


class TestConfigured:
    @pytest.fixture
    def settings(self, make_settings):
        return make_settings(
            instance_name="Social Club",
            base_url="https://social.example",
            registrations_open=True,
            account_activation_required=True,
            upload_limit=1234,
        )

    def test_settings_show_in_every_document(self, client):
        v1 = client.get("/api/v1/instance").json()
        assert v1["title"] == "Social Club"
        assert v1["uri"] == "https://social.example"
        assert v1["urls"]["streaming_api"] == "wss://social.example"
        assert v1["registrations"] is True
        assert v1["upload_limit"] == v1["avatar_upload_limit"] == 1234
        assert v1["pleroma"]["metadata"]["account_activation_required"] is True
        v2 = client.get("/api/v2/instance").json()
        assert v2["domain"] == "social.example"
        assert v2["title"] == "Social Club"
        assert v2["registrations"]["enabled"] is True
        assert v2["configuration"]["urls"]["streaming"] == "wss://social.example"
        info = client.get("/nodeinfo/2.1.json").json()
        assert info["openRegistrations"] is True
        assert info["metadata"]["nodeName"] == "Social Club"
        assert info["metadata"]["accountActivationRequired"] is True
        assert info["metadata"]["uploadLimits"]["avatar"] == 1234
        links = client.get("/.well-known/nodeinfo").json()["links"]
        assert [link["href"] for link in links] == [
            "https://social.example/nodeinfo/2.0.json",
            "https://social.example/nodeinfo/2.1.json",
        ]


def test_v2_instance_has_the_mastodon_4_shape(client, api, settings):
    api.user("alice")
    body = client.get("/api/v2/instance/").json()
    assert body["domain"] == "127.0.0.1:4000"
    assert body["version"].startswith("2.7.2 (compatible; Pleroma 2.5.0")
    assert body["source_url"]
    assert body["usage"] == {"users": {"active_month": 0}}
    assert body["thumbnail"] == {"url": f"{BASE}/images/banner.png"}
    config = body["configuration"]
    assert set(config) >= {"urls", "statuses", "media_attachments", "polls", "accounts", "translation"}
    assert config["polls"]["max_options"] == 20
    assert body["registrations"] == {"enabled": False, "approval_required": False, "message": None}
    assert body["contact"] == {"email": "", "account": None}
    assert body["rules"] == []
    assert body["pleroma"]["metadata"]["features"] == features(client.app.state.services)


def test_well_known_nodeinfo_links_absolute_hrefs_for_2_0_and_2_1(client):
    r = client.get("/.well-known/nodeinfo")
    assert r.status_code == 200
    assert r.json() == {
        "links": [
            {"rel": SCHEMA + "2.0", "href": f"{BASE}/nodeinfo/2.0.json"},
            {"rel": SCHEMA + "2.1", "href": f"{BASE}/nodeinfo/2.1.json"},
        ]
    }


@pytest.mark.parametrize("schema", ["2.0", "2.1"])
def test_nodeinfo_says_pleroma_so_megalodon_picks_its_pleroma_driver(client, api, settings, schema):
    api.user("alice")
    href = next(
        link["href"]
        for link in client.get("/.well-known/nodeinfo").json()["links"]
        if link["rel"].endswith(schema)
    )
    r = client.get(href.removeprefix(BASE))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert f'profile="{SCHEMA}{schema}#"' in r.headers["content-type"]
    info = r.json()
    assert info["version"] == schema
    assert info["software"]["name"] == "pleroma"
    assert info["software"]["version"] == "2.5.0"
    assert ("repository" in info["software"]) is (schema == "2.1")
    if schema == "2.1":
        assert "plerome" in info["software"]["repository"]
    assert info["protocols"] == ["activitypub"]
    assert info["services"] == {"inbound": [], "outbound": []}
    assert info["openRegistrations"] is False
    assert info["usage"]["users"] == {"total": 1}
    assert info["usage"]["localPosts"] == 0
    metadata = info["metadata"]
    assert metadata["nodeName"] == "plerome"
    assert metadata["software"]["name"] == "plerome"
    assert metadata["software"]["version"] == "0.1.0"
    assert metadata["features"] == features(client.app.state.services)
    assert (
        metadata["postFormats"]
        == client.get("/api/v1/instance").json()["pleroma"]["metadata"]["post_formats"]
    )
    assert metadata["fieldsLimits"] == {
        "maxFields": 10,
        "maxRemoteFields": 20,
        "nameLength": 255,
        "valueLength": 2047,
    }
    assert metadata["uploadLimits"] == dict.fromkeys(
        ("general", "avatar", "banner", "background"), settings.upload_limit
    )
    assert metadata["accountActivationRequired"] is False
    assert metadata["staffAccounts"] == []
    assert metadata["pollLimits"]["max_options"] == 20
    assert metadata["federation"]["enabled"] is False


def test_features_are_listed_once_and_include_the_api_families(client):
    listed = features(client.app.state.services)
    assert {"pleroma_api", "mastodon_api"} <= set(listed)
    assert len(listed) == len(set(listed))


def test_a_mounted_app_links_and_describes_itself_under_its_prefix(make_settings):
    inner = create_app(make_settings(base_url="https://host.example/social"))
    with TestClient(Starlette(routes=[Mount("/social", app=inner)])) as client:
        links = client.get("/social/.well-known/nodeinfo").json()["links"]
        assert links[1]["href"] == "https://host.example/social/nodeinfo/2.1.json"
        assert client.get("/social/nodeinfo/2.1.json").json()["software"]["name"] == "pleroma"
        v1 = client.get("/social/api/v1/instance/").json()
        assert v1["uri"] == "https://host.example/social"
        assert v1["urls"]["streaming_api"] == "wss://host.example/social"
        assert v1["thumbnail"] == "https://host.example/social/images/banner.png"
        assert client.get("/social/api/v2/instance").json()["domain"] == "host.example"
