"""Rules for writing statuses."""

import pytest

from plerome.domain.errors import InvalidInput
from plerome.domain.pagination import make_page
from plerome.domain.statuses import Draft, check_draft, hashtags, mentioned_nicknames


def test_mentions_are_local_nicknames_with_or_without_this_host():
    text = "hi @alice and @bob@social.example, @carol@elsewhere.example and mail@x.example"
    assert mentioned_nicknames(text, "social.example") == ["alice", "bob"]


def test_each_mention_counts_once():
    assert mentioned_nicknames("@a @a @b", "h.example") == ["a", "b"]


def test_hashtags_are_lowercased_unique_and_not_all_digits():
    assert hashtags("#Plerome and #plerome, #2026 #ünïcode x#not") == ("plerome", "ünïcode")


def test_a_draft_needs_text_or_media_and_a_known_visibility():
    check_draft(Draft(text="hi", visibility="public"))
    check_draft(Draft(text="", visibility="direct", media_ids=("1",)))
    with pytest.raises(InvalidInput):
        check_draft(Draft(text="  ", visibility="public"))
    with pytest.raises(InvalidInput):
        check_draft(Draft(text="hi", visibility="everyone"))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_draft(Draft(text="x" * 5001, visibility="public"))
    with pytest.raises(InvalidInput):
        check_draft(Draft(text="hi", visibility="public", content_type="text/bbcode"))


def test_page_limits_default_to_20_and_are_capped_at_40():
    assert make_page().limit == 20
    assert make_page(limit=100).limit == 40
    assert make_page(limit=0).limit == 1
    assert make_page(max_id="").max_id is None
