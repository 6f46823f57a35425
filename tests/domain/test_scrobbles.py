"""Scrobbles: what a listen may hold, and who sees it."""

import re
from datetime import UTC, datetime

import pytest

from plerome.domain.errors import InvalidInput, MissingField
from plerome.domain.scrobbles import LENGTH_MAX, TEXT_MAX, can_see_scrobble, new_scrobble, visible_levels
from plerome.domain.social import Relationship

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make(**kw):
    return new_scrobble("s1", "author", NOW, **{"title": "Song", **kw})


def test_a_listen_with_everything_given():
    s = make(
        artist="Band",
        album="Record",
        length=180_000,
        external_link="https://x.example/t",
        visibility="unlisted",
    )
    assert (s.title, s.artist, s.album, s.length, s.external_link, s.visibility) == (
        "Song",
        "Band",
        "Record",
        180_000,
        "https://x.example/t",
        "unlisted",
    )


def test_only_the_title_is_needed_and_public_is_the_default():
    s = make()
    assert (s.artist, s.album, s.length, s.external_link, s.visibility) == (None, None, None, None, "public")


def test_texts_are_stripped_of_html_and_blank_ones_are_absent():
    s = make(title="<b>Loud</b> song ", artist="<i></i>", album="  ")
    assert (s.title, s.artist, s.album) == ("Loud song", None, None)


@pytest.mark.parametrize("title", ["", "   ", "<p></p>"])
def test_a_blank_title_is_a_missing_title(title):
    with pytest.raises(MissingField, match=re.escape("Missing field: title.")):
        make(title=title)


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"length": -1}, "length must be a number of milliseconds, 0 or more"),
        ({"length": LENGTH_MAX + 1}, "length must be a number of milliseconds, 0 or more"),
        ({"external_link": "javascript:alert(1)"}, "externalLink must be an http or https URL"),
        ({"external_link": "https://x/" + "a" * 3000}, "externalLink must be an http or https URL"),
        ({"visibility": "local"}, "visibility must be one of: public, unlisted, private, direct."),
        ({"title": "x" * (TEXT_MAX + 1)}, f"title is too long (at most {TEXT_MAX} characters)"),
        ({"album": "x" * (TEXT_MAX + 1)}, f"album is too long (at most {TEXT_MAX} characters)"),
    ],
)
def test_what_a_listen_may_not_hold(changes, error):
    with pytest.raises(InvalidInput, match=f"^{re.escape(error)}$"):
        make(**changes)


def test_a_zero_length_and_an_empty_link_are_fine():
    s = make(length=0, external_link="")
    assert (s.length, s.external_link) == (0, None)


FOLLOWER = Relationship("author", following=True)
STRANGER = Relationship("author")


@pytest.mark.parametrize(
    "viewer, towards, levels",
    [
        ("author", None, ("public", "unlisted", "private", "direct")),
        (None, None, ("public", "unlisted")),
        ("reader", STRANGER, ("public", "unlisted")),
        ("reader", FOLLOWER, ("public", "unlisted", "private")),
        ("reader", Relationship("author", following=True, blocked_by=True), ()),
        ("reader", Relationship("author", blocking=True), ()),
        ("reader", Relationship("author", following=True, muting=True), ()),
    ],
)
def test_who_sees_which_listens(viewer, towards, levels):
    assert visible_levels("author", viewer, towards) == levels
    for visibility in ("public", "unlisted", "private", "direct"):
        listen = make(visibility=visibility)
        assert can_see_scrobble(listen, viewer, towards) is (visibility in levels)
