"""How accounts are named in aliases and moves."""

import pytest

from plerome.domain.aliases import alias_name, local_nickname
from plerome.domain.instance import InstancePolicy

POLICY = InstancePolicy(base_url="https://social.example")


@pytest.mark.parametrize("ref", ["bob", "@bob", "bob@social.example", "@bob@SOCIAL.example", " bob "])
def test_a_local_account_is_named_with_or_without_the_host(ref):
    assert local_nickname(ref, POLICY) == "bob"


@pytest.mark.parametrize(
    "ref", ["", "@", "bob@other.example", "b ob", "bob@", "../bob", "bob@social.example@x"]
)
def test_other_servers_and_malformed_names_name_no_local_account(ref):
    assert local_nickname(ref, POLICY) is None


def test_an_alias_is_shown_as_nick_at_host():
    assert alias_name("https://social.example/users/bob") == "bob@social.example"
    assert alias_name("http://127.0.0.1:4000/users/a_b") == "a_b@127.0.0.1:4000"
    assert alias_name("not an actor") == "not an actor"
