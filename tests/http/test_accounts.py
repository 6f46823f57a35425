"""Account endpoints through the ASGI app: one account by id, and update_credentials as Mastodon.py
(form and multipart, "1"/"0" booleans) and megalodon (JSON) send it."""

import base64
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import AdminChange, administer_account
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.media import png

PNG = png(2, 2, lambda y: b"\xff\x00\x00\x00\xff\x00")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 16
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24
UPDATE = "/api/v1/accounts/update_credentials"


def media_files(settings) -> list[str]:
    """Every file under DATA_DIR/media, hidden ones included, as relative paths."""
    root = Path(settings.data_dir) / "media"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def path_of(url: str, base: str = "http://127.0.0.1:4000") -> str:
    assert url.startswith(base + "/"), url
    return url[len(base) :]


# --- GET /api/v1/accounts/:id ----------------------------------------------------------------------


def test_an_account_is_found_by_id_without_logging_in(client, api):
    alice = api.user("alice")
    r = client.get(f"/api/v1/accounts/{alice.id}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == alice.id
    assert body["username"] == body["acct"] == "alice"
    assert body["emojis"] == []
    assert "source" not in body
    assert "notification_settings" not in body["pleroma"]
    assert body["avatar"] == "http://127.0.0.1:4000/images/avi.png"
    assert body["header"] == "http://127.0.0.1:4000/images/banner.png"


def test_an_account_is_found_by_nickname_in_any_case(client, api):
    alice = api.user("alice")
    for ref in ("alice", "ALICE"):
        r = client.get(f"/api/v1/accounts/{ref}")
        assert r.status_code == 200
        assert r.json()["id"] == alice.id


def test_an_account_seen_by_itself_carries_its_source(client, api):
    alice, headers = api.login("alice")
    body = client.get(f"/api/v1/accounts/{alice.id}", headers=headers).json()
    assert body["source"]["privacy"] == "public"
    assert body["pleroma"]["notification_settings"] == {
        "block_from_strangers": False,
        "hide_notification_contents": False,
    }


def test_a_token_without_read_accounts_reads_as_anonymous(client, api):
    alice, headers = api.login("alice", scopes="write")
    r = client.get(f"/api/v1/accounts/{alice.id}", headers=headers)
    assert r.status_code == 200
    assert "source" not in r.json()


def test_a_bad_token_is_refused_even_where_login_is_optional(client, api):
    alice = api.user("alice")
    r = client.get(f"/api/v1/accounts/{alice.id}", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403
    assert r.json() == {"error": "Invalid credentials."}


@pytest.mark.parametrize(
    "ref", ["nobody", "999999999999999999", "%00", "al%00ice", "%C3%A4lice", "a" * 300, "...", "a b"]
)
def test_unknown_or_malformed_ids_are_404_record_not_found(client, api, ref):
    api.user("alice")
    r = client.get(f"/api/v1/accounts/{ref}")
    assert r.status_code == 404
    assert r.json() == {"error": "Record not found"}


def test_a_deactivated_account_is_not_found_except_by_an_admin(client, api):
    alice = api.user("alice")
    _, admin_headers = api.login("root", admin=True)
    client.portal.call(lambda: administer_account(api.svc.ctx, "alice", AdminChange(is_active=False)))
    r = client.get(f"/api/v1/accounts/{alice.id}")
    assert r.status_code == 404
    assert r.json() == {"error": "Record not found"}
    r = client.get(f"/api/v1/accounts/{alice.id}", headers=admin_headers)
    assert r.status_code == 200
    assert r.json()["pleroma"]["deactivated"] is True


def test_verify_credentials_is_not_taken_for_an_id(client, api):
    api.user("verify_credentials")  # a nickname that spells the fixed path
    _, headers = api.login("alice")
    r = client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert r.status_code == 200
    assert r.json()["username"] == "alice"
    r = client.get("/api/v1/accounts/update_credentials")
    assert r.status_code == 404  # the PATCH path is no account either


# --- PATCH update_credentials: who may --------------------------------------------------------------


def test_update_credentials_needs_a_login(client):
    r = client.patch(UPDATE, json={"display_name": "x"})
    assert r.status_code == 403
    assert r.json() == {"error": "Invalid credentials."}


def test_update_credentials_needs_write_accounts(client, api):
    _, headers = api.login("alice", scopes="read")
    r = client.patch(UPDATE, json={"display_name": "x"}, headers=headers)
    assert r.status_code == 403
    assert r.json() == {"error": "Insufficient permissions: write:accounts."}


def test_only_patch_is_served(client, api):
    _, headers = api.login("alice")
    assert client.post(UPDATE, json={}, headers=headers).status_code == 405


# --- megalodon: JSON ---------------------------------------------------------------------------------


def test_megalodon_json_changes_the_profile(client, api):
    alice, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        json={
            "display_name": "Alice <A>",
            "note": "line one\nline & two",
            "locked": True,
            "bot": True,
            "discoverable": True,
            "fields_attributes": [{"name": "site", "value": "https://a.example"}, {"name": "pronouns"}],
            "source": {"privacy": "unlisted", "sensitive": True, "language": "pt-BR"},
            "hide_favorites": False,
            "hide_followers": True,
            "hide_follows": True,
            "hide_followers_count": True,
            "hide_follows_count": True,
            "allow_following_move": False,
            "show_role": False,
            "no_rich_text": True,
            "skip_thread_containment": True,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == alice.id
    assert body["display_name"] == "Alice <A>"
    assert body["note"] == "line one<br/>line &amp; two"
    assert body["locked"] is body["bot"] is body["discoverable"] is True
    assert body["fields"] == [
        {"name": "site", "value": "https://a.example", "verified_at": None},
        {"name": "pronouns", "value": "", "verified_at": None},
    ]
    source = body["source"]
    assert (source["privacy"], source["sensitive"], source["language"]) == ("unlisted", True, "pt-BR")
    assert source["note"] == "line one\nline & two"
    assert source["pleroma"] == {
        "show_role": False,
        "no_rich_text": True,
        "discoverable": True,
        "actor_type": "Service",
    }
    p = body["pleroma"]
    assert p["hide_favorites"] is False
    assert p["hide_followers"] is p["hide_follows"] is True
    assert p["hide_followers_count"] is p["hide_follows_count"] is True
    assert p["allow_following_move"] is False
    assert p["skip_thread_containment"] is True
    assert p["settings_store"] == {}
    again = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert again["display_name"] == "Alice <A>"
    assert again["source"]["privacy"] == "unlisted"


def test_an_empty_json_body_changes_nothing(client, api):
    _, headers = api.login("alice")
    before = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    r = client.patch(UPDATE, headers=headers, json={})
    assert r.status_code == 200
    after = r.json()
    after["pleroma"].pop("settings_store")
    assert after == before


def test_absent_fields_are_left_alone_and_null_clears_text(client, api):
    _, headers = api.login("alice")
    client.patch(UPDATE, headers=headers, json={"display_name": "Alice", "note": "bio", "locked": True})
    body = client.patch(UPDATE, headers=headers, json={"note": None}).json()
    assert body["display_name"] == "Alice"
    assert body["locked"] is True
    assert body["note"] == ""
    body = client.patch(UPDATE, headers=headers, json={"display_name": None}).json()
    assert body["display_name"] == "alice"  # an empty display name shows the nickname


def test_json_fields_attributes_may_be_an_indexed_object(client, api):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        json={"fields_attributes": {"10": {"name": "c", "value": "3"}, "1": {"name": "b", "value": "2"}}},
    )
    assert r.status_code == 200, r.text
    assert [f["name"] for f in r.json()["fields"]] == ["b", "c"]


def test_an_empty_field_list_clears_the_fields(client, api):
    _, headers = api.login("alice")
    client.patch(UPDATE, headers=headers, json={"fields_attributes": [{"name": "a", "value": "b"}]})
    assert client.patch(UPDATE, headers=headers, json={"fields_attributes": []}).json()["fields"] == []


def test_actor_type_service_makes_a_bot_and_person_undoes_it(client, api):
    _, headers = api.login("alice")
    body = client.patch(UPDATE, headers=headers, json={"actor_type": "Service"}).json()
    assert body["bot"] is True
    assert body["source"]["pleroma"]["actor_type"] == "Service"
    body = client.patch(UPDATE, headers=headers, json={"actor_type": "Person"}).json()
    assert body["bot"] is False


def test_settings_store_is_deep_merged_and_null_removes_a_key(client, api):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        json={"pleroma_settings_store": {"pleroma_fe": {"theme": "dark", "old": 1, "nested": {"a": 1}}}},
    )
    assert r.json()["pleroma"]["settings_store"] == {
        "pleroma_fe": {"theme": "dark", "old": 1, "nested": {"a": 1}}
    }
    r = client.patch(
        UPDATE,
        headers=headers,
        json={"pleroma_settings_store": {"pleroma_fe": {"old": None, "nested": {"b": 2}}, "other": [1]}},
    )
    assert r.json()["pleroma"]["settings_store"] == {
        "pleroma_fe": {"theme": "dark", "nested": {"a": 1, "b": 2}},
        "other": [1],
    }
    me = client.get("/api/v1/accounts/verify_credentials?with_pleroma_settings=true", headers=headers).json()
    assert me["pleroma"]["settings_store"]["pleroma_fe"]["theme"] == "dark"
    plain = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert "settings_store" not in plain["pleroma"]


def test_settings_store_null_changes_nothing(client, api):
    _, headers = api.login("alice")
    client.patch(UPDATE, headers=headers, json={"pleroma_settings_store": {"fe": {"x": 1}}})
    r = client.patch(UPDATE, headers=headers, json={"pleroma_settings_store": None})
    assert r.json()["pleroma"]["settings_store"] == {"fe": {"x": 1}}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"display_name": "x" * 101}, "Name should be at most 100 character(s)."),
        ({"note": "x" * 5001}, "Bio should be at most 5000 character(s)."),
        ({"fields_attributes": [{"name": str(i), "value": "v"} for i in range(11)]}, None),
        ({"actor_type": "Robot"}, "actor_type must be one of: Person, Service, Application."),
        ({"source": {"privacy": "everyone"}}, "privacy must be one of: public, unlisted, private, direct."),
        ({"source": {"language": "not a language"}}, None),
        ({"locked": "maybe"}, "Invalid value for locked: expected a boolean"),
        ({"locked": 3}, None),
        ({"display_name": ["a", {"b": 1}]}, None),
        ({"pleroma_settings_store": "text"}, None),
        ({"fields_attributes": "text"}, None),
        ({"source": {"sensitive": "perhaps"}}, "Invalid value for sensitive: expected a boolean"),
    ],
)
def test_bad_values_are_400_and_change_nothing(client, api, body, error):
    _, headers = api.login("alice")
    r = client.patch(UPDATE, headers=headers, json=body)
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"error"}
    if error:
        assert r.json()["error"] == error
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["display_name"] == "alice"
    assert me["locked"] is False


def test_too_many_fields_says_how_many_are_allowed(client, api):
    _, headers = api.login("alice")
    fields = [{"name": str(i), "value": "v"} for i in range(11)]
    r = client.patch(UPDATE, headers=headers, json={"fields_attributes": fields})
    assert r.json() == {"error": "Fields should have at most 10 item(s)."}


def test_malformed_json_is_400_not_500(client, api):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE, headers={**headers, "Content-Type": "application/json"}, content=b'{"display_name": '
    )
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid JSON body"}
    r = client.patch(UPDATE, headers={**headers, "Content-Type": "application/json"}, content=b"[1]")
    assert r.status_code == 400


# --- Mastodon.py: forms ------------------------------------------------------------------------------


def test_mastodon_py_form_changes_the_profile(client, api):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        data={
            "display_name": "Alice ✨",
            "note": "hi",
            "locked": "1",
            "bot": "0",
            "discoverable": "1",
            "fields_attributes[0][name]": "site",
            "fields_attributes[0][value]": "https://a.example",
            "fields_attributes[1][name]": "pronouns",
            "fields_attributes[1][value]": "she/her",
            "source[privacy]": "private",
            "source[sensitive]": "1",
            "source[language]": "en",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["display_name"] == "Alice ✨"
    assert body["locked"] is True
    assert body["bot"] is False
    assert body["discoverable"] is True
    assert [(f["name"], f["value"]) for f in body["fields"]] == [
        ("site", "https://a.example"),
        ("pronouns", "she/her"),
    ]
    assert (body["source"]["privacy"], body["source"]["sensitive"], body["source"]["language"]) == (
        "private",
        True,
        "en",
    )


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("on", True),
        ("off", False),
        ("yes", True),
        ("No", False),
    ],
)
def test_pleroma_boolean_spellings_are_understood_in_forms(client, api, word, value):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        data={"hide_follows": word, "source[sensitive]": word, "no_rich_text": word},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["pleroma"]["hide_follows"] is value
    assert body["source"]["sensitive"] is value
    assert body["source"]["pleroma"]["no_rich_text"] is value


def test_a_form_sets_the_settings_store_by_nested_names(client, api):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        data={"pleroma_settings_store[pleroma_fe][theme]": "light", "pleroma_settings_store[app]": "1"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["pleroma"]["settings_store"] == {"pleroma_fe": {"theme": "light"}, "app": "1"}


def test_a_bad_form_boolean_is_400(client, api):
    _, headers = api.login("alice")
    r = client.patch(UPDATE, headers=headers, data={"locked": "sometimes"})
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid value for locked: expected a boolean"}


def test_a_multipart_body_without_a_boundary_is_400(client, api):
    _, headers = api.login("alice")
    r = client.patch(UPDATE, headers={**headers, "Content-Type": "multipart/form-data"}, content=b"avatar=x")
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid multipart body: Missing boundary in multipart."}


# --- images -----------------------------------------------------------------------------------------


def upload(client, headers, **files):
    return client.patch(
        UPDATE,
        headers=headers,
        files={name: (f"{name}.bin", data, "application/octet-stream") for name, data in files.items()},
    )


def test_uploaded_images_are_stored_and_served_by_their_detected_type(client, api, settings):
    _, headers = api.login("alice")
    r = upload(client, headers, avatar=PNG, header=JPEG, pleroma_background_image=WEBP)
    assert r.status_code == 200, r.text
    body = r.json()
    for url, data, mime, folder in [
        (body["avatar"], PNG, "image/png", "avatars"),
        (body["header"], JPEG, "image/jpeg", "headers"),
        (body["pleroma"]["background_image"], WEBP, "image/webp", "backgrounds"),
    ]:
        path = path_of(url)
        assert path.startswith(f"/media/{folder}/")
        got = client.get(path)
        assert got.status_code == 200
        assert got.content == data
        assert got.headers["content-type"] == mime
    assert body["avatar_static"] == body["avatar"]
    assert body["header_static"] == body["header"]
    assert len(media_files(settings)) == 3


def test_the_type_comes_from_the_content_not_the_filename_or_declared_type(client, api):
    _, headers = api.login("alice")
    r = client.patch(UPDATE, headers=headers, files={"avatar": ("photo.png", GIF, "image/png")})
    assert r.status_code == 200
    assert r.json()["avatar"].endswith(".gif")


def test_a_new_image_replaces_the_old_file(client, api, settings):
    _, headers = api.login("alice")
    first = path_of(upload(client, headers, avatar=PNG).json()["avatar"])
    second = path_of(upload(client, headers, avatar=GIF).json()["avatar"])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).content == GIF
    assert media_files(settings) == [second.removeprefix("/media/")]


@pytest.mark.parametrize("style", ["form", "multipart", "json", "json-null"])
def test_an_empty_value_clears_an_image_and_removes_its_file(client, api, settings, style):
    _, headers = api.login("alice")
    body = upload(client, headers, avatar=PNG, header=PNG, pleroma_background_image=PNG).json()
    assert body["pleroma"]["background_image"] is not None
    clear = {"avatar": "", "header": "", "pleroma_background_image": ""}
    if style == "form":
        r = client.patch(UPDATE, headers=headers, data=clear)
    elif style == "multipart":
        r = client.patch(
            UPDATE, headers=headers, data=clear, files={"unrelated": ("x.txt", b"x", "text/plain")}
        )
    elif style == "json":
        r = client.patch(UPDATE, headers=headers, json=clear)
    else:
        r = client.patch(UPDATE, headers=headers, json=dict.fromkeys(clear))
    assert r.status_code == 200, r.text
    cleared = r.json()
    assert cleared["avatar"] == "http://127.0.0.1:4000/images/avi.png"
    assert cleared["header"] == "http://127.0.0.1:4000/images/banner.png"
    assert cleared["pleroma"]["background_image"] is None
    assert media_files(settings) == []


def test_clearing_an_unset_image_is_harmless(client, api):
    _, headers = api.login("alice")
    r = client.patch(UPDATE, headers=headers, data={"avatar": ""})
    assert r.status_code == 200
    assert r.json()["avatar"].endswith("/images/avi.png")


def test_an_unchosen_file_input_changes_nothing(client, api):
    _, headers = api.login("alice")
    kept = upload(client, headers, avatar=PNG).json()["avatar"]
    # What a browser sends for a file input left empty: a part with filename="" and no bytes.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n'
        b'--b\r\nContent-Disposition: form-data; name="avatar"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n"
    )
    r = client.patch(
        UPDATE, headers={**headers, "Content-Type": "multipart/form-data; boundary=b"}, content=body
    )
    assert r.status_code == 200, r.text
    assert r.json()["avatar"] == kept
    assert r.json()["note"] == "x"


@pytest.mark.parametrize(
    ("field", "label"),
    [("avatar", "Avatar"), ("header", "Header"), ("pleroma_background_image", "Background image")],
)
def test_a_file_that_is_no_image_is_422_and_nothing_is_kept(client, api, settings, field, label):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        data={"display_name": "changed"},
        files={"avatar": ("a.png", PNG, "image/png"), field: ("x.png", b"<svg/>", "image/png")},
    )
    assert r.status_code == 422
    assert r.json() == {"error": f"{label} must be a PNG, GIF, JPEG or WebP image."}
    assert media_files(settings) == []
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["display_name"] == "alice"
    assert me["avatar"].endswith("/images/avi.png")


@pytest.mark.parametrize(
    "value",
    [
        "https://elsewhere.example/a.png",
        "data:image/png;base64,not base64!",
        "data:image/png,rawbytes",
        {"url": "x"},
        5,
    ],
)
def test_an_image_given_as_anything_else_is_422(client, api, value):
    _, headers = api.login("alice")
    r = client.patch(UPDATE, headers=headers, json={"avatar": value})
    assert r.status_code == 422
    assert r.json() == {
        "error": "Avatar must be an uploaded image, a base64 data: URI, or an empty string to remove it."
    }


def test_json_clients_may_send_an_image_as_a_data_uri(client, api):
    _, headers = api.login("alice")
    uri = "data:image/jpeg;base64," + base64.b64encode(PNG).decode()  # the declared type is ignored
    r = client.patch(UPDATE, headers=headers, json={"header": uri})
    assert r.status_code == 200, r.text
    header = path_of(r.json()["header"])
    assert header.endswith(".png")
    assert client.get(header).content == PNG


def test_a_data_uri_that_is_no_image_is_422(client, api, settings):
    _, headers = api.login("alice")
    uri = "data:image/png;base64," + base64.b64encode(b"<svg/>").decode()
    r = client.patch(UPDATE, headers=headers, json={"avatar": uri})
    assert r.status_code == 422
    assert r.json() == {"error": "Avatar must be a PNG, GIF, JPEG or WebP image."}
    assert media_files(settings) == []


class TestUploadLimit:
    @pytest.fixture
    def settings(self, make_settings):
        return make_settings(upload_limit=1000)

    @pytest.mark.parametrize("field", ["avatar", "header", "pleroma_background_image"])
    def test_an_image_over_the_limit_is_413_and_nothing_is_kept(self, client, api, settings, field):
        _, headers = api.login("alice")
        big = PNG + b"\x00" * (1001 - len(PNG))
        r = client.patch(
            UPDATE, headers=headers, data={"note": "x"}, files={field: ("a.png", big, "image/png")}
        )
        assert r.status_code == 413
        assert r.json() == {"error": "File is too large"}
        assert media_files(settings) == []
        assert client.get("/api/v1/accounts/verify_credentials", headers=headers).json()["note"] == ""

    def test_an_image_at_the_limit_is_taken(self, client, api):
        _, headers = api.login("alice")
        exact = PNG + b"\x00" * (1000 - len(PNG))
        assert upload(client, headers, avatar=exact).status_code == 200

    def test_a_data_uri_over_the_limit_is_413(self, client, api, settings):
        _, headers = api.login("alice")
        big = PNG + b"\x00" * (1001 - len(PNG))
        uri = "data:image/png;base64," + base64.b64encode(big).decode()
        r = client.patch(UPDATE, headers=headers, json={"avatar": uri})
        assert r.status_code == 413
        assert r.json() == {"error": "File is too large"}
        assert media_files(settings) == []

    def test_a_body_far_past_the_limit_is_refused_before_it_is_read(self, client, api, settings):
        _, headers = api.login("alice")
        huge = PNG + b"\x00" * (2 * 1024 * 1024)
        r = upload(client, headers, avatar=huge)
        assert r.status_code == 413
        assert r.json() == {"error": "File is too large"}
        assert media_files(settings) == []


def test_a_bad_value_beside_a_good_image_keeps_no_file(client, api, settings):
    _, headers = api.login("alice")
    r = client.patch(
        UPDATE,
        headers=headers,
        data={"actor_type": "Robot"},
        files={"avatar": ("a.png", PNG, "image/png")},
    )
    assert r.status_code == 400
    assert media_files(settings) == []
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["avatar"].endswith("/images/avi.png")


def test_another_account_keeps_its_own_images(client, api, settings):
    _, alice = api.login("alice")
    _, bob = api.login("bob")
    bobs = path_of(upload(client, bob, avatar=PNG).json()["avatar"])
    upload(client, alice, avatar=PNG)
    client.patch(UPDATE, headers=alice, data={"avatar": ""})
    assert client.get(bobs).status_code == 200


# --- mounted under a prefix --------------------------------------------------------------------------


def test_a_mounted_app_gives_urls_under_its_prefix_and_serves_them(make_settings):
    settings = make_settings(base_url="http://testserver/social")
    inner = create_app(settings)
    with TestClient(Starlette(routes=[Mount("/social", app=inner)])) as client:
        svc = inner.state.services
        from plerome.domain.usecases.accounts import create_account
        from plerome.domain.usecases.oauth import cli_token

        alice = client.portal.call(lambda: create_account(svc.ctx, "alice", "a@example.test", "pw"))
        token = client.portal.call(lambda: cli_token(svc.ctx, alice, "read write")).access_token
        headers = {"Authorization": f"Bearer {token}"}
        r = client.patch("/social" + UPDATE, headers=headers, files={"avatar": ("a", PNG, "image/png")})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["avatar"].startswith("http://testserver/social/media/avatars/")
        assert body["header"] == "http://testserver/social/images/banner.png"
        assert body["url"] == "http://testserver/social/users/alice"
        assert client.get(body["avatar"]).content == PNG
        assert client.get(body["header"]).headers["content-type"] == "image/png"
        assert client.get(f"/social/api/v1/accounts/{alice.id}").json()["avatar"] == body["avatar"]


def test_fixed_paths_are_tried_before_parameters_whichever_module_adds_them():
    from starlette.routing import Mount, Route

    from plerome.entrypoints.http import _specificity

    async def endpoint(request):  # pragma: no cover - never called
        raise AssertionError

    table = [
        Route("/api/v1/accounts/{id}", endpoint),
        Route("/api/v1/accounts/{id}/statuses", endpoint),
        Mount("/api/v1/accounts", routes=[]),
        Route("/api/v1/accounts/relationships", endpoint),
        Route("/api/v1/accounts/{id}/follow", endpoint, methods=["POST"]),
        Route("/api/v1/accounts/{id}/follow", endpoint, methods=["GET"]),
    ]
    ordered = sorted(table, key=_specificity)
    assert [(r.path, getattr(r, "methods", None)) for r in ordered][:2] == [
        ("/api/v1/accounts/relationships", {"GET", "HEAD"}),
        ("/api/v1/accounts/{id}", {"GET", "HEAD"}),
    ]
    follow = [r for r in ordered if r.path.endswith("/follow")]
    assert [r.methods for r in follow] == [{"POST"}, {"GET", "HEAD"}]  # stable
    assert isinstance(ordered[-1], Mount)
