"""Conversations: who takes part, what a direct status does to each participation, recipients."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from plerome.domain.conversations import (
    RECIPIENTS_MAX,
    UNKNOWN_CONVERSATION,
    Bump,
    Participation,
    bumped,
    bumps,
    cursor_key,
    in_a_conversation,
    members,
    order_key,
    owned,
    recipients_after_change,
    reply_recipients,
    shown_accounts,
    wanted_recipients,
)
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.statuses import Status

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def status(id_="s1", author="ann", visibility="direct", mentioned=("bob",), context="c1", **kw):
    return Status(
        id=id_,
        account_id=author,
        created_at=T0,
        visibility=visibility,
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        context_id=context,
        mentioned_ids=tuple(mentioned),
        **kw,
    )


def ids(n):
    return [f"p{i}" for i in range(n)]


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private"])
def test_only_direct_statuses_take_part_in_conversations(visibility):
    assert not in_a_conversation(status(visibility=visibility))
    assert bumps(status(visibility=visibility), ids(2), set(), T0) == []


def test_a_reblog_never_takes_part():
    assert not in_a_conversation(status(reblog_of_id="s0"))


def test_a_direct_status_reaches_its_author_first_then_its_addressees_once_each():
    assert members(status(author="ann", mentioned=("bob", "cid", "bob", "ann"))) == ("ann", "bob", "cid")


def test_a_first_direct_status_creates_a_read_participation_for_its_author_and_unread_ones_for_the_rest():
    made = [bumped(None, b) for b in bumps(status(mentioned=("bob", "cid")), ids(3), set(), T0)]
    assert [(p.id, p.account_id, p.unread) for p in made] == [
        ("p0", "ann", False),
        ("p1", "bob", True),
        ("p2", "cid", True),
    ]
    for p in made:
        assert p.context_id == "c1"
        assert p.last_status_id == "s1"
        assert p.recipients == ("ann", "bob", "cid")
        assert p.updated_at == T0


def test_each_participation_has_its_own_id():
    made = [bumped(None, b) for b in bumps(status(mentioned=("bob", "cid")), ids(3), set(), T0)]
    assert len({p.id for p in made}) == 3


def test_a_later_direct_status_marks_recipients_unread_and_the_author_read_recipients_unchanged():
    first = {b.account_id: bumped(None, b) for b in bumps(status(), ids(2), set(), T0)}
    read_by_all = {a: replace(p, unread=False) for a, p in first.items()}
    later = status("s2", author="bob", mentioned=("ann", "cid"))
    after = {}
    for b in bumps(later, ["n0", "n1", "n2"], set(), T0 + timedelta(minutes=1)):
        after[b.account_id] = bumped(read_by_all.get(b.account_id), b)
    assert after["ann"].unread is True
    assert after["bob"].unread is False  # bob wrote it
    assert after["ann"].recipients == after["bob"].recipients == ("ann", "bob")  # never change by themselves
    assert after["ann"].id == first["ann"].id  # the same participation, bumped
    assert after["ann"].last_status_id == "s2"
    assert after["ann"].updated_at == T0 + timedelta(minutes=1)
    # cid is new to the conversation: a participation of their own, with that status's recipients
    assert after["cid"].id == "n2"
    assert after["cid"].unread is True
    assert after["cid"].recipients == ("ann", "bob", "cid")


def test_an_author_who_had_unread_messages_has_read_them_once_they_answer():
    b = bumps(status("s2", author="bob", mentioned=("ann",)), ids(2), set(), T0)[0]
    existing = Participation("p9", "bob", "c1", True, "s1", T0, ("ann", "bob"))
    assert bumped(existing, b).unread is False


def test_a_member_who_blocks_another_gets_a_quiet_conversation():
    made = {b.account_id: b for b in bumps(status(mentioned=("bob", "cid")), ids(3), {"bob"}, T0)}
    assert made["bob"].unread_if_new is False
    assert made["bob"].unread is None  # an existing participation keeps its flag
    assert made["cid"].unread is True
    existing = Participation("p9", "bob", "c1", True, "s0", T0, ("ann", "bob"))
    assert bumped(existing, made["bob"]).unread is True
    assert bumped(replace(existing, unread=False), made["bob"]).unread is False


def test_the_author_is_never_quiet():
    made = bumps(status(), ids(2), {"ann"}, T0)[0]
    assert (made.account_id, made.unread, made.unread_if_new) == ("ann", False, False)


def test_the_last_status_only_moves_forward():
    existing = Participation("p1", "ann", "c1", False, "s5", T0, ("ann",))
    older = Bump("ann", "c1", "s3", "x", False, True, ("ann",), T0)
    assert bumped(existing, older).last_status_id == "s5"


def test_one_new_id_per_member_is_needed():
    with pytest.raises(ValueError, match="one new id per member"):
        bumps(status(mentioned=("bob", "cid")), ids(2), set(), T0)


def test_a_status_to_oneself_makes_a_conversation_with_oneself():
    made = [bumped(None, b) for b in bumps(status(mentioned=()), ids(1), set(), T0)]
    assert [(p.account_id, p.unread, p.recipients) for p in made] == [("ann", False, ("ann",))]
    assert shown_accounts(made[0].recipients, "ann") == ("ann",)


def test_changing_recipients_keeps_the_owner_and_drops_unknown_accounts():
    assert recipients_after_change("ann", ["cid", "zed", "cid"], {"bob", "cid"}) == ("ann", "cid")
    assert recipients_after_change("ann", [], {"bob"}) == ("ann",)
    assert recipients_after_change("ann", ["ann", "bob"], {"ann", "bob"}) == ("ann", "bob")


def test_a_change_may_name_at_most_so_many_recipients():
    many = [f"a{i}" for i in range(RECIPIENTS_MAX + 1)]
    with pytest.raises(InvalidInput):
        wanted_recipients(many)
    assert len(wanted_recipients(many[:-1] + many[:5])) == RECIPIENTS_MAX  # repeats are not counted


def test_the_entity_shows_the_others_or_the_viewer_alone():
    assert shown_accounts(("ann", "bob", "cid"), "bob") == ("ann", "cid")
    assert shown_accounts(("ann",), "ann") == ("ann",)


def test_a_reply_into_a_conversation_addresses_its_recipients_but_the_author():
    p = Participation("p1", "ann", "c1", False, "s1", T0, ("ann", "bob", "cid"))
    assert reply_recipients(p, "ann") == ("bob", "cid")


def test_someone_else_s_or_an_unknown_participation_is_unknown():
    p = Participation("p1", "ann", "c1", False, "s1", T0, ("ann", "bob"))
    assert owned(p, "ann") is p
    for found, viewer in ((p, "bob"), (None, "ann")):
        with pytest.raises(NotFound) as caught:
            owned(found, viewer)
        assert caught.value.message == UNKNOWN_CONVERSATION == "Unknown conversation id"


def test_lists_order_by_last_status_then_id_and_cursors_stand_in_that_order():
    a = Participation("p2", "ann", "c1", False, "s9", T0, ("ann",))
    b = Participation("p1", "ann", "c2", False, "s9", T0, ("ann",))
    c = Participation("p3", "ann", "c3", False, "s4", T0, ("ann",))
    assert sorted([c, b, a], key=order_key, reverse=True) == [a, b, c]
    assert cursor_key("p2", a) == ("s9", "p2")
    assert cursor_key("s5", None) == ("s5", "s5")  # not a participation: a point in time
    assert order_key(c) < cursor_key("s5", None) < order_key(b)
