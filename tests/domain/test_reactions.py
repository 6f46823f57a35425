"""Which emoji a status can be reacted with, the names reactions are kept under, and per-viewer counts."""

import pytest

from plerome.domain.errors import InvalidInput
from plerome.domain.reactions import (
    COULD_NOT_ADD,
    COULD_NOT_REMOVE,
    ReactionCount,
    custom_shortcode,
    hides_reactor,
    is_custom,
    reaction_to_add,
    reaction_to_remove,
    reaction_wanted,
    shown_name,
    unicode_reaction,
    visible_counts,
)

CUSTOM = frozenset({"blob", "blob_cat", "party+parrot"})


@pytest.mark.parametrize(
    "emoji",
    [
        "👍",
        "😀",
        "☕",
        "🫠",  # a recent one (Emoji 14)
        "👍🏽",  # skin tone
        "👩🏿‍🦰",  # skin tone and hair, a ZWJ sequence
        "👨‍👩‍👧‍👦",  # family: ZWJ sequence
        "🏳️‍🌈",  # flag ZWJ sequence
        "🇫🇷",  # flag: a pair of regional indicators
        "🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # subdivision flag (tag sequence)
        "#️⃣",  # keycap
        "1️⃣",
        "❤️",
        "⚠️",
    ],
)
def test_one_fully_qualified_rgi_emoji_is_a_reaction_as_it_is(emoji):
    assert reaction_to_add(emoji, CUSTOM) == emoji
    assert unicode_reaction(emoji) == emoji


@pytest.mark.parametrize(
    ("written", "qualified"),
    [
        ("⚠", "⚠️"),  # unqualified
        ("❤", "❤️"),
        ("☺", "☺️"),
        ("#⃣", "#️⃣"),  # unqualified keycap
        ("🏳‍🌈", "🏳️‍🌈"),  # unqualified flag sequence
        ("👩‍❤‍👨", "👩‍❤️‍👨"),  # minimally qualified ZWJ sequence
        ("©", "©️"),
    ],
)
def test_unqualified_and_minimally_qualified_forms_become_fully_qualified(written, qualified):
    assert written != qualified
    assert reaction_to_add(written, CUSTOM) == qualified
    assert reaction_to_remove(written) == qualified
    assert reaction_wanted(written) == qualified


@pytest.mark.parametrize("code", [0x1F1E6, 0x1F1EE, 0x1F1FF])
def test_a_lone_regional_indicator_letter_is_accepted(code):
    letter = chr(code)
    assert reaction_to_add(letter, CUSTOM) == letter


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x",
        "thumbsup",
        ":thumbsup",  # not a shortcode form
        "👍👍",  # two emoji
        "👍 ",  # with a space
        " 👍",
        "🇫🇷🇫🇷",
        "🇦🇧🇨",  # three regional indicators
        "🏽",  # a lone skin tone is a component, not an emoji
        "🦰",  # a lone hair component
        "\u200d",  # a joiner
        "\ufe0f",  # a variation selector alone
        "⚠︎",  # text presentation (U+FE0E) is not an emoji form
        "#",
        "1",
        chr(0x1F1E5),  # just below the regional indicators
        chr(0x1F200),  # just above
        "a\x00",
        ":unknown:",  # a custom emoji the instance does not have
        ":blob@remote.example:",  # remote custom emoji: none are known here
        "::",
        ":bl ob:",
    ],
)
def test_anything_else_cannot_be_added(text):
    with pytest.raises(InvalidInput) as caught:
        reaction_to_add(text, CUSTOM)
    assert caught.value.message == COULD_NOT_ADD == "Could not add reaction emoji"


def test_a_custom_emoji_of_the_instance_is_kept_as_its_colon_form():
    assert reaction_to_add(":blob:", CUSTOM) == ":blob:"
    assert reaction_to_add(":party+parrot:", CUSTOM) == ":party+parrot:"
    assert is_custom(":blob:")
    assert not is_custom("👍")
    assert custom_shortcode(":blob_cat:") == "blob_cat"
    assert custom_shortcode("blob") is None


def test_a_custom_emoji_the_packs_lost_can_still_be_taken_back_but_not_added():
    assert reaction_to_remove(":gone:") == ":gone:"
    with pytest.raises(InvalidInput):
        reaction_to_add(":gone:", CUSTOM)


@pytest.mark.parametrize("text", ["", "x", "👍👍", "🏽", "::"])
def test_removing_what_is_no_reaction_says_it_could_not_remove(text):
    with pytest.raises(InvalidInput) as caught:
        reaction_to_remove(text)
    assert caught.value.message == COULD_NOT_REMOVE == "Could not remove reaction emoji"


def test_a_list_filter_that_names_no_reaction_is_none():
    assert reaction_wanted("x") is None
    assert reaction_wanted(":gone:") == ":gone:"
    assert reaction_wanted("🇦") == "🇦"


def test_entities_name_custom_emoji_by_their_bare_shortcode():
    assert shown_name(":blob:") == "blob"
    assert shown_name("👍") == "👍"


def test_blocked_reactors_are_hidden_and_muted_ones_unless_asked_for():
    assert hides_reactor("me", blocking=True, muting=False, with_muted=False)
    assert hides_reactor("me", blocking=True, muting=False, with_muted=True)
    assert hides_reactor("me", blocking=False, muting=True, with_muted=False)
    assert not hides_reactor("me", blocking=False, muting=True, with_muted=True)
    assert not hides_reactor("me", blocking=False, muting=False, with_muted=False)
    assert not hides_reactor(None, blocking=True, muting=True, with_muted=False)


def test_counts_are_corrected_by_what_the_viewer_does_not_see_and_empty_emoji_dropped():
    totals = [("👍", 3), ("⚠️", 1), (":blob:", 2)]
    shown = visible_counts(totals, {"⚠️": 1, ":blob:": 1}, {":blob:"})
    assert shown == [ReactionCount("👍", 3, False), ReactionCount(":blob:", 1, True)]
    assert visible_counts([], {}, set()) == []
