"""Everything needed to show statuses to a viewer, loaded in a few batch queries per page.

Routes turn StatusViews into entities with no further I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plerome.domain.accounts import Account
from plerome.domain.attachments import Attachment
from plerome.domain.emoji_packs import shortcodes_in
from plerome.domain.reactions import ReactionFilter, shown_name
from plerome.domain.statuses import Status
from plerome.ports.statuses import ViewerMarks

from .context import Context
from .emoji_packs import custom_emoji
from .reaction_emoji import emoji_url
from .visibility import visible_statuses


@dataclass(frozen=True, slots=True)
class StatusEmoji:
    """A custom emoji a status uses, with the absolute URL of its image."""

    shortcode: str
    url: str


@dataclass(frozen=True, slots=True)
class ReactionSummary:
    """One emoji's reactions on a status, as this viewer may see them."""

    name: str
    count: int
    me: bool
    url: str | None = None


@dataclass(frozen=True, slots=True)
class StatusView:
    status: Status
    author: Account
    reblog: StatusView | None = None
    attachments: tuple[Attachment, ...] = ()
    mentions: tuple[Account, ...] = ()
    in_reply_to_account: Account | None = None
    favourited: bool = False
    reblogged: bool = False
    bookmarked: bool = False
    parent_visible: bool = True
    # filled by the features that own them (custom emoji, reactions, conversations)
    emojis: tuple[StatusEmoji, ...] = ()
    reactions: tuple[ReactionSummary, ...] = ()
    direct_conversation_id: str | None = None


async def load_views(ctx: Context, viewer_id: str | None, statuses: Sequence[Status]) -> list[StatusView]:
    """Views of `statuses` (already checked as visible) for `viewer_id`, in the same order. A status whose
    author is gone is left out."""
    s = ctx.stores
    inner_ids = [st.reblog_of_id for st in statuses if st.reblog_of_id]
    inner = await s.statuses.get_many(inner_ids) if inner_ids else {}
    every = [*statuses, *inner.values()]
    ids = [st.id for st in every]
    account_ids = {st.account_id for st in every}
    for st in every:
        account_ids.update(st.mentioned_ids)
        if st.in_reply_to_account_id:
            account_ids.add(st.in_reply_to_account_id)
    accounts = await s.accounts.get_many(sorted(account_ids))
    with_media = [st.id for st in every if st.media_ids]
    media = await s.attachments.for_statuses(with_media) if with_media else {}
    parent_ids = [st.in_reply_to_id for st in every if st.in_reply_to_id]
    parents = await s.statuses.get_many(parent_ids) if parent_ids else {}
    seen_parents = {
        p.id for p in await visible_statuses(ctx, viewer_id, list(parents.values()), for_list=False)
    }
    catalog = await custom_emoji(ctx)
    marks = await s.statuses.viewer_marks(viewer_id, ids) if viewer_id is not None and ids else ViewerMarks()
    counts = await s.reactions.counts(ids, ReactionFilter(viewer_id, ctx.clock.now())) if ids else {}
    reactions = {
        status_id: tuple(
            ReactionSummary(shown_name(c.emoji), c.count, c.me, emoji_url(ctx, c.emoji, catalog))
            for c in found
        )
        for status_id, found in counts.items()
    }
    direct = [st.context_id for st in every if st.visibility == "direct" and not st.is_reblog]
    conversations = (
        await s.conversations.for_contexts(viewer_id, direct) if viewer_id is not None and direct else {}
    )

    def view(st: Status, reblog: StatusView | None = None) -> StatusView | None:
        author = accounts.get(st.account_id)
        if author is None:
            return None
        return StatusView(
            status=st,
            author=author,
            reblog=reblog,
            attachments=tuple(media.get(st.id, ())),
            mentions=tuple(accounts[a] for a in st.mentioned_ids if a in accounts),
            in_reply_to_account=accounts.get(st.in_reply_to_account_id)
            if st.in_reply_to_account_id
            else None,
            favourited=st.id in marks.favourited,
            reblogged=st.id in marks.reblogged,
            bookmarked=st.id in marks.bookmarked,
            parent_visible=st.in_reply_to_id is None or st.in_reply_to_id in seen_parents,
            emojis=tuple(
                StatusEmoji(code, ctx.policy.base_url + catalog[code].path)
                for code in shortcodes_in(f"{st.spoiler_text} {st.source}")
                if code in catalog
            ),
            reactions=reactions.get(st.id, ()),
            direct_conversation_id=conversations.get(st.context_id) if st.visibility == "direct" else None,
        )

    views = []
    for st in statuses:
        inner_view = None
        if st.reblog_of_id is not None:
            original = inner.get(st.reblog_of_id)
            inner_view = view(original) if original is not None else None
            if inner_view is None:
                continue
        v = view(st, inner_view)
        if v is not None:
            views.append(v)
    return views
