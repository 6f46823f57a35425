"""Status and attachment entities, built from StatusViews with no I/O."""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from html import unescape
from typing import Any

import msgspec

from plerome.domain.attachments import Attachment
from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases.account_stats import NO_STATS, AccountStats
from plerome.domain.usecases.status_views import StatusView

from .entities import AccountEntity, account_entity
from .json import iso

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p>", re.I)


def plain_text(html: str) -> str:
    """What `pleroma.content["text/plain"]` shows: the HTML with its tags removed."""
    return unescape(_TAG.sub("", _BREAK.sub("\n", html)))


def conversation_number(context_id: str) -> int:
    """Pleroma's integer `conversation_id` for a thread (a CRC32 of the context, top bit cleared)."""
    return zlib.crc32(context_id.encode()) & 0x7FFFFFFF


class AttachmentPleroma(msgspec.Struct):
    mime_type: str


class AttachmentEntity(msgspec.Struct):
    id: str
    type: str
    url: str
    preview_url: str
    remote_url: str | None
    text_url: str
    meta: dict[str, Any]
    description: str | None
    blurhash: str | None
    pleroma: AttachmentPleroma


def attachment_entity(a: Attachment, policy: InstancePolicy) -> AttachmentEntity:
    url = f"{policy.base_url}/media/{a.file_key}"
    meta: dict[str, Any] = {}
    if a.width and a.height:
        size = {
            "width": a.width,
            "height": a.height,
            "size": f"{a.width}x{a.height}",
            "aspect": a.width / a.height,
        }
        meta = {"original": size, "small": size}
    if a.focus is not None:
        meta["focus"] = {"x": a.focus[0], "y": a.focus[1]}
    return AttachmentEntity(
        id=a.id,
        type=a.kind,
        url=url,
        preview_url=url,
        remote_url=None,
        text_url=url,
        meta=meta,
        description=a.description or None,
        blurhash=None,
        pleroma=AttachmentPleroma(mime_type=a.mime_type),
    )


class EmojiEntity(msgspec.Struct):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool = False


class ReactionEntity(msgspec.Struct):
    name: str
    count: int
    me: bool
    url: str | None = None


class Mention(msgspec.Struct):
    id: str
    username: str
    acct: str
    url: str


class Tag(msgspec.Struct):
    name: str
    url: str


class Application(msgspec.Struct):
    name: str
    website: str | None = None


class StatusPleroma(msgspec.Struct):
    local: bool
    conversation_id: int
    context: str
    direct_conversation_id: str | None
    in_reply_to_account_acct: str | None
    content: dict[str, str]
    spoiler_text: dict[str, str]
    expires_at: str | None
    thread_muted: bool
    emoji_reactions: list[ReactionEntity]
    parent_visible: bool
    pinned_at: str | None
    quotes_count: int = 0
    quote: None = None
    quote_id: None = None
    quote_url: None = None
    quote_visible: bool = False


class StatusEntity(msgspec.Struct):
    id: str
    uri: str
    url: str
    account: AccountEntity
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: StatusEntity | None
    content: str
    text: str | None
    created_at: str
    edited_at: str | None
    emojis: list[EmojiEntity]
    replies_count: int
    reblogs_count: int
    favourites_count: int
    reblogged: bool
    favourited: bool
    bookmarked: bool
    muted: bool
    pinned: bool
    sensitive: bool
    spoiler_text: str
    visibility: str
    language: str | None
    media_attachments: list[AttachmentEntity]
    mentions: list[Mention]
    tags: list[Tag]
    card: None
    poll: None
    application: Application | None
    pleroma: StatusPleroma


def status_entity(
    view: StatusView,
    policy: InstancePolicy,
    viewer_id: str | None,
    stats: Mapping[str, AccountStats] | None = None,
    authors: dict[str, AccountEntity] | None = None,
) -> StatusEntity:
    """`authors`: account entities already built for this page, by id (filled as they are built), so
    a page of one author's statuses builds that author's entity once."""
    st = view.status
    stats = stats or {}
    authors = {} if authors is None else authors
    author = authors.get(view.author.id)
    if author is None:
        author = authors[view.author.id] = account_entity(
            view.author, policy, stats=stats.get(view.author.id, NO_STATS)
        )
    reblog = (
        status_entity(view.reblog, policy, viewer_id, stats, authors) if view.reblog is not None else None
    )
    shown = view.reblog.status if view.reblog is not None else st
    url = f"{policy.base_url}/notice/{st.id}"
    return StatusEntity(
        id=st.id,
        uri=f"{policy.base_url}/objects/{st.id}",
        url=url,
        account=author,
        in_reply_to_id=st.in_reply_to_id,
        in_reply_to_account_id=st.in_reply_to_account_id,
        reblog=reblog,
        content="" if st.is_reblog else st.content,
        text=st.source if viewer_id == st.account_id and not st.is_reblog else None,
        created_at=iso(st.created_at),
        edited_at=None,
        emojis=[EmojiEntity(e.shortcode, e.url, e.url) for e in view.emojis],
        replies_count=shown.replies_count,
        reblogs_count=shown.reblogs_count,
        favourites_count=shown.favourites_count,
        reblogged=(view.reblog.reblogged if view.reblog is not None else view.reblogged),
        favourited=(view.reblog.favourited if view.reblog is not None else view.favourited),
        bookmarked=(view.reblog.bookmarked if view.reblog is not None else view.bookmarked),
        muted=False,
        pinned=False,
        sensitive=st.sensitive,
        spoiler_text=st.spoiler_text,
        visibility=st.visibility,
        language=st.language,
        media_attachments=[attachment_entity(a, policy) for a in view.attachments],
        mentions=[
            Mention(id=a.id, username=a.nickname, acct=a.nickname, url=policy.profile_url(a.nickname))
            for a in view.mentions
        ],
        tags=[Tag(name=t, url=f"{policy.base_url}/tag/{t}") for t in st.tags],
        card=None,
        poll=None,
        application=Application(name=st.app_name) if st.app_name else None,
        pleroma=StatusPleroma(
            local=True,
            conversation_id=conversation_number(st.context_id),
            context=f"{policy.base_url}/contexts/{st.context_id}",
            direct_conversation_id=view.direct_conversation_id,
            in_reply_to_account_acct=view.in_reply_to_account.nickname if view.in_reply_to_account else None,
            content={"text/plain": st.source if st.content_type == "text/plain" else plain_text(st.content)},
            spoiler_text={"text/plain": st.spoiler_text},
            expires_at=None,
            thread_muted=False,
            emoji_reactions=[ReactionEntity(r.name, r.count, r.me, r.url) for r in view.reactions],
            parent_visible=view.parent_visible,
            pinned_at=None,
        ),
    )
