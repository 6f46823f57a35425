"""Pleroma's OAuth scope rules."""

import pytest

from plerome.domain.errors import InsufficientScopes, InvalidInput
from plerome.domain.oauth import grants, narrow_scopes, parse_scopes, require_scopes, split_redirect_uris


def test_a_parent_scope_grants_its_children():
    assert grants(("read",), "read:accounts")
    assert grants(("admin",), "admin:write")
    assert grants(("admin",), "admin:write:accounts")


def test_a_child_scope_does_not_grant_its_parent_or_siblings():
    assert not grants(("read:accounts",), "read")
    assert not grants(("read:accounts",), "read:statuses")
    assert not grants(("write",), "read:accounts")


def test_a_prefix_that_is_not_a_parent_grants_nothing():
    assert not grants(("read",), "readers")


def test_any_one_of_the_wanted_scopes_is_enough():
    require_scopes(("write:follows",), ("follow", "write:follows"))


def test_missing_scopes_are_named_in_pleromas_words():
    with pytest.raises(InsufficientScopes) as err:
        require_scopes(("read",), ("follow", "write:follows"))
    assert err.value.message == "Insufficient permissions: follow | write:follows."


def test_scopes_parse_from_spaces_commas_or_lists_without_duplicates():
    assert parse_scopes("read write,follow read") == ("read", "write", "follow")
    assert parse_scopes(["read write", "push"]) == ("read", "write", "push")
    assert parse_scopes(None) == ("read",)
    assert parse_scopes("  ") == ("read",)


def test_unknown_scopes_are_refused():
    with pytest.raises(InvalidInput):
        parse_scopes("read everything")


def test_a_token_may_ask_for_part_of_the_apps_scopes_but_not_more():
    assert narrow_scopes(("read", "write"), ("read:accounts",)) == ("read:accounts",)
    assert narrow_scopes(("read", "write"), None) == ("read", "write")
    with pytest.raises(InsufficientScopes):
        narrow_scopes(("read",), ("write",))


def test_redirect_uris_must_be_absolute_or_out_of_band():
    assert split_redirect_uris("https://a.example/cb urn:ietf:wg:oauth:2.0:oob") == (
        "https://a.example/cb",
        "urn:ietf:wg:oauth:2.0:oob",
    )
    with pytest.raises(InvalidInput):
        split_redirect_uris("/relative")
    with pytest.raises(InvalidInput):
        split_redirect_uris("")
