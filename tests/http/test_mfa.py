"""MFA settings over HTTP: /api/pleroma/accounts/mfa/* and /api/v1/pleroma/accounts/mfa/*."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PREFIXES = ("/api/pleroma", "/api/v1/pleroma")


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + 30 * offset) for offset in (-2, -1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222") if c not in valid)


def turn_on(client, headers, prefix="/api/pleroma", password="secret") -> str:
    setup = client.get(f"{prefix}/accounts/mfa/setup/totp", headers=headers).json()
    r = client.post(
        f"{prefix}/accounts/mfa/confirm/totp",
        json={"password": password, "code": pyotp.TOTP(setup["key"]).now()},
        headers=headers,
    )
    assert r.status_code == 200 and r.json() == {}, r.text
    return setup["key"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_mfa_is_off_until_a_setup_is_confirmed(client, api, prefix):
    _, headers = api.login("alice", email="alice@example.test")
    r = client.get(f"{prefix}/accounts/mfa", headers=headers)
    assert r.status_code == 200
    assert r.json() == {"settings": {"enabled": False, "totp": False}}
    setup = client.get(f"{prefix}/accounts/mfa/setup/totp", headers=headers)
    assert setup.status_code == 200
    key = setup.json()["key"]
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    assert setup.json()["provisioning_uri"] == (
        f"otpauth://totp/alice@example.test?digits=6&issuer=plerome&period=30&secret={key}"
    )
    assert client.get(f"{prefix}/accounts/mfa", headers=headers).json()["settings"]["enabled"] is False
    turn_on(client, headers, prefix)
    assert client.get(f"{prefix}/accounts/mfa", headers=headers).json() == {
        "settings": {"enabled": True, "totp": True}
    }


def test_confirming_answers_422_for_a_wrong_password_or_code(client, api):
    _, headers = api.login("alice")
    key = client.get("/api/pleroma/accounts/mfa/setup/totp", headers=headers).json()["key"]
    url = "/api/pleroma/accounts/mfa/confirm/totp"
    r = client.post(url, json={"password": "wrong", "code": pyotp.TOTP(key).now()}, headers=headers)
    assert (r.status_code, r.json()) == (422, {"error": "Invalid password."})
    r = client.post(url, data={"password": "secret", "code": wrong_code(key)}, headers=headers)
    assert (r.status_code, r.json()) == (422, {"error": "invalid_token"})
    assert client.get("/api/pleroma/accounts/mfa", headers=headers).json()["settings"]["enabled"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/confirm/totp", {"password": "secret"}),
        ("/confirm/totp", {"code": "123456"}),
        ("/confirm/sms", {"password": "secret", "code": "123456"}),
    ],
)
def test_confirming_without_password_or_code_or_for_another_method_is_undefined(client, api, path, body):
    _, headers = api.login("alice")
    r = client.post("/api/pleroma/accounts/mfa" + path, json=body, headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": "undefined mfa method"})


def test_setting_up_another_method_is_undefined(client, api):
    _, headers = api.login("alice")
    r = client.get("/api/pleroma/accounts/mfa/setup/sms", headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": "undefined method"})


@pytest.mark.parametrize("prefix", PREFIXES)
def test_backup_codes_are_five_fresh_hex_codes_each_time(client, api, prefix):
    _, headers = api.login("alice")
    first = client.get(f"{prefix}/accounts/mfa/backup_codes", headers=headers)
    assert first.status_code == 200
    codes = first.json()["codes"]
    assert len(codes) == 5 and all(re.fullmatch(r"[0-9a-f]{16}", c) for c in codes)
    again = client.get(f"{prefix}/accounts/mfa/backup_codes", headers=headers).json()["codes"]
    assert not set(codes) & set(again)


def test_turning_totp_off_needs_the_password(client, api):
    _, headers = api.login("alice")
    turn_on(client, headers)
    for body in ({"password": "wrong"}, {}):
        r = client.request("DELETE", "/api/pleroma/accounts/mfa/totp", json=body, headers=headers)
        assert (r.status_code, r.json()) == (422, {"error": "Invalid password."})
    r = client.request(
        "DELETE", "/api/v1/pleroma/accounts/mfa/totp", json={"password": "secret"}, headers=headers
    )
    assert (r.status_code, r.json()) == (200, {})
    assert client.get("/api/pleroma/accounts/mfa", headers=headers).json()["settings"] == {
        "enabled": False,
        "totp": False,
    }


def test_turning_all_of_mfa_off(client, api):
    _, headers = api.login("alice")
    turn_on(client, headers)
    r = client.delete("/api/pleroma/accounts/mfa/mfa?password=secret", headers=headers)
    assert (r.status_code, r.json()) == (200, {})
    assert client.get("/api/pleroma/accounts/mfa", headers=headers).json()["settings"]["enabled"] is False
    r = client.delete("/api/pleroma/accounts/mfa/sms?password=secret", headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": "undefined mfa method"})


def test_the_security_scopes_are_needed(client, api):
    _, readonly = api.login("alice", scopes="read")
    _, writeonly = api.login("bob", scopes="write")
    assert client.get("/api/pleroma/accounts/mfa", headers=readonly).status_code == 200
    r = client.get("/api/pleroma/accounts/mfa", headers=writeonly)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:security."})
    for method, path in (("GET", "/setup/totp"), ("GET", "/backup_codes"), ("POST", "/confirm/totp")):
        r = client.request(method, "/api/pleroma/accounts/mfa" + path, headers=readonly)
        assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:security."})
    r = client.get("/api/pleroma/accounts/mfa")
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})


def test_with_mfa_on_http_basic_is_refused(client, api, basic_auth):
    _, headers = api.login("alice")
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=basic_auth("alice", "secret")).status_code
        == 200
    )
    turn_on(client, headers)
    r = client.get("/api/v1/accounts/verify_credentials", headers=basic_auth("alice", "secret"))
    assert r.status_code == 403
    assert r.json() == {"error": "Two-factor authentication enabled, you must use a access token."}
