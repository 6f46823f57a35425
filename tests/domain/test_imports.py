"""Reading an import list: handles, actor URLs, Mastodon's CSV exports; which local account each names."""

import re

import pytest

from plerome.domain.errors import InvalidInput
from plerome.domain.imports import MAX_ENTRIES, ImportEntry, local_nickname, parse_import_list

HOST = "social.example"


def handles(text: str) -> list[str]:
    return [e.handle for e in parse_import_list(text)]


def test_handles_are_separated_by_any_whitespace_with_or_without_a_leading_at():
    assert handles("alice @bob\ncarol\t@dave@social.example\r\n\n  erin  ") == [
        "alice",
        "bob",
        "carol",
        "dave@social.example",
        "erin",
    ]


def test_each_account_is_named_once_whatever_its_case():
    assert handles("alice @Alice ALICE bob alice") == ["alice", "bob"]


def test_an_empty_list_names_nobody():
    assert parse_import_list("") == []
    assert parse_import_list(" \n\t\n") == []
    assert handles("@ @\n@") == []  # a lone @ is no handle


def test_a_mastodon_following_export_carries_its_options():
    csv = (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "alice@social.example,true,false,\n"
        'bob@social.example,false,true,"en,de"\n'
        "carol@social.example,,,\n"
    )
    assert parse_import_list(csv) == [
        ImportEntry("alice@social.example", reblogs=True, notify=False),
        ImportEntry("bob@social.example", reblogs=False, notify=True),
        ImportEntry("carol@social.example", reblogs=None, notify=None),
    ]


def test_a_mastodon_mutes_export_says_whether_notifications_are_muted():
    csv = "Account address,Hide notifications\nalice@social.example,true\nbob@social.example,false\n"
    assert parse_import_list(csv) == [
        ImportEntry("alice@social.example", notifications=True),
        ImportEntry("bob@social.example", notifications=False),
    ]


def test_a_headerless_csv_and_unknown_columns_use_the_first_column_only():
    assert parse_import_list("alice,whatever,else\nbob,x\n") == [ImportEntry("alice"), ImportEntry("bob")]
    assert parse_import_list("Account address,Colour\nalice,red\n") == [ImportEntry("alice")]


def test_a_bare_header_line_and_odd_quoting_do_not_break_the_rest():
    assert handles("Account address\nalice\nbob") == ["alice", "bob"]
    # an unclosed quote swallows its own line only (and names no account: see local_nickname)
    assert handles('alice\n"unclosed,quote\nbob') == ["alice", "unclosed,quote", "bob"]


def test_very_long_handles_are_skipped():
    assert handles("a" * 600 + " bob") == ["bob"]


def test_a_list_naming_too_many_accounts_is_refused():
    too_many = "\n".join(f"user{i}" for i in range(MAX_ENTRIES + 1))
    with pytest.raises(InvalidInput, match=re.escape(f"more than {MAX_ENTRIES} accounts")):
        parse_import_list(too_many)
    assert len(parse_import_list("\n".join(f"user{i}" for i in range(MAX_ENTRIES)))) == MAX_ENTRIES


@pytest.mark.parametrize(
    "handle, nickname",
    [
        ("alice", "alice"),
        ("alice@social.example", "alice"),
        ("alice@SOCIAL.example", "alice"),
        ("https://social.example/users/alice", "alice"),
        ("https://social.example/users/alice/", "alice"),
        ("http://social.example/@alice", "alice"),
        ("alice@other.example", None),
        ("https://other.example/users/alice", None),
        ("https://social.example/notice/123", None),
        ("https://social.example/users/al/ice", None),
        ("ftp://social.example/users/alice", None),
        ("al!ce", None),
        ("alice@", None),
        ("http://[::1", None),
    ],
)
def test_which_local_account_a_handle_names(handle, nickname):
    assert local_nickname(handle, HOST) == nickname


def test_a_host_with_a_port_is_matched_whole():
    assert local_nickname("alice@127.0.0.1:4000", "127.0.0.1:4000") == "alice"
    assert local_nickname("http://127.0.0.1:4000/users/alice", "127.0.0.1:4000") == "alice"
    assert local_nickname("alice@127.0.0.1", "127.0.0.1:4000") is None
