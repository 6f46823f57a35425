"""API entities as msgspec Structs, built from domain objects with no I/O."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from plerome.domain.accounts import Account
from plerome.domain.instance import InstancePolicy
from plerome.domain.oauth import App, IssuedToken
from plerome.domain.usecases.account_stats import NO_STATS, AccountStats

from .json import iso_date


class Field(msgspec.Struct):
    name: str
    value: str
    verified_at: str | None = None


class SourcePleroma(msgspec.Struct):
    show_role: bool
    no_rich_text: bool
    discoverable: bool
    actor_type: str


class Source(msgspec.Struct):
    note: str
    fields: list[Field]
    privacy: str
    sensitive: bool
    language: str | None
    pleroma: SourcePleroma
    follow_requests_count: int = 0


class NotificationSettingsEntity(msgspec.Struct):
    block_from_strangers: bool
    hide_notification_contents: bool


class AccountPleroma(msgspec.Struct, omit_defaults=True):
    ap_id: str
    also_known_as: list[str]
    is_confirmed: bool
    tags: list[str]
    hide_followers_count: bool
    hide_follows_count: bool
    hide_followers: bool
    hide_follows: bool
    hide_favorites: bool
    relationship: dict[str, Any]
    skip_thread_containment: bool
    background_image: str | None
    favicon: str | None
    accepts_chat_messages: bool | None
    is_admin: bool | UnsetType = UNSET
    is_moderator: bool | UnsetType = UNSET
    notification_settings: NotificationSettingsEntity | UnsetType = UNSET
    allow_following_move: bool | UnsetType = UNSET
    unread_conversation_count: int | UnsetType = UNSET
    unread_notifications_count: int | UnsetType = UNSET
    settings_store: dict[str, Any] | UnsetType = UNSET
    email: str | UnsetType | None = UNSET
    deactivated: bool | UnsetType = UNSET


class AccountEntity(msgspec.Struct, omit_defaults=True):
    id: str
    username: str
    acct: str
    fqn: str
    display_name: str
    locked: bool
    bot: bool
    discoverable: bool
    group: bool
    created_at: str
    note: str
    url: str
    uri: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: str | None
    emojis: list[Any]
    fields: list[Field]
    pleroma: AccountPleroma
    source: Source | UnsetType = UNSET
    follow_requests_count: int | UnsetType = UNSET


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def note_html(note: str) -> str:
    """A plain-text bio as the HTML clients display."""
    if not note:
        return ""
    return "<br/>".join(_escape(line) for line in note.split("\n"))


def media_url(policy: InstancePolicy, value: str | None, fallback: str) -> str:
    if not value:
        return f"{policy.base_url}{fallback}"
    if "://" in value:
        return value
    return f"{policy.base_url}/media/{value}"


def account_entity(
    account: Account,
    policy: InstancePolicy,
    viewer: Account | None = None,
    stats: AccountStats = NO_STATS,
    with_settings: bool = False,
) -> AccountEntity:
    is_self = viewer is not None and viewer.id == account.id
    fields = [Field(f.name, _escape(f.value)) for f in account.fields]
    avatar = media_url(policy, account.avatar, "/images/avi.png")
    header = media_url(policy, account.header, "/images/banner.png")
    pleroma = AccountPleroma(
        ap_id=policy.actor_id(account.nickname),
        also_known_as=list(account.also_known_as),
        is_confirmed=account.is_confirmed,
        tags=[],
        hide_followers_count=account.hide_followers_count,
        hide_follows_count=account.hide_follows_count,
        hide_followers=account.hide_followers,
        hide_follows=account.hide_follows,
        hide_favorites=account.hide_favorites,
        relationship={},
        skip_thread_containment=account.skip_thread_containment,
        background_image=media_url(policy, account.background_image, "")
        if account.background_image
        else None,
        favicon=None,
        accepts_chat_messages=None,
    )
    if account.show_role or is_self:
        pleroma.is_admin = account.is_admin
        pleroma.is_moderator = account.is_moderator
    if viewer is not None and viewer.is_admin:
        pleroma.deactivated = not account.is_active
    source: Source | UnsetType = UNSET
    follow_requests: int | UnsetType = UNSET
    if is_self:
        ns = account.notification_settings
        pleroma.notification_settings = NotificationSettingsEntity(
            ns.block_from_strangers, ns.hide_notification_contents
        )
        pleroma.allow_following_move = account.allow_following_move
        pleroma.unread_conversation_count = stats.unread_conversations
        pleroma.unread_notifications_count = stats.unread_notifications
        pleroma.email = account.email
        if with_settings:
            pleroma.settings_store = account.settings_store
        source = Source(
            note=account.note,
            fields=[Field(f.name, f.value) for f in account.fields],
            privacy=account.privacy,
            sensitive=account.sensitive,
            language=account.language,
            pleroma=SourcePleroma(
                show_role=account.show_role,
                no_rich_text=account.no_rich_text,
                discoverable=account.discoverable,
                actor_type=account.actor_type,
            ),
            follow_requests_count=stats.follow_requests,
        )
        follow_requests = stats.follow_requests
    url = policy.profile_url(account.nickname)
    return AccountEntity(
        id=account.id,
        username=account.nickname,
        acct=account.nickname,
        fqn=f"{account.nickname}@{policy.host}",
        display_name=account.display_name or account.nickname,
        locked=account.locked,
        bot=account.bot,
        discoverable=account.discoverable,
        group=False,
        created_at=iso_date(account.created_at),
        note=note_html(account.note),
        url=url,
        uri=policy.actor_id(account.nickname),
        avatar=avatar,
        avatar_static=avatar,
        header=header,
        header_static=header,
        followers_count=0 if account.hide_followers_count and not is_self else stats.followers,
        following_count=0 if account.hide_follows_count and not is_self else stats.following,
        statuses_count=stats.statuses,
        last_status_at=None,
        emojis=[],
        fields=fields,
        pleroma=pleroma,
        source=source,
        follow_requests_count=follow_requests,
    )


class AppEntity(msgspec.Struct, omit_defaults=True):
    id: str
    name: str
    website: str | None
    redirect_uri: str
    redirect_uris: list[str]
    scopes: list[str]
    vapid_key: str | None = None
    client_id: str | UnsetType = UNSET
    client_secret: str | UnsetType = UNSET


def app_entity(app: App, with_secrets: bool) -> AppEntity:
    entity = AppEntity(
        id=app.id,
        name=app.name,
        website=app.website,
        redirect_uri="\n".join(app.redirect_uris),
        redirect_uris=list(app.redirect_uris),
        scopes=list(app.scopes),
    )
    if with_secrets:
        entity.client_id = app.client_id
        entity.client_secret = app.client_secret
    return entity


class TokenEntity(msgspec.Struct, omit_defaults=True):
    id: int
    token_type: str
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str
    created_at: int
    me: str | UnsetType = UNSET


def token_entity(issued: IssuedToken, policy: InstancePolicy, nickname: str | None) -> TokenEntity:
    token = issued.token
    return TokenEntity(
        id=token.id,
        token_type="Bearer",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=int((token.valid_until - token.created_at).total_seconds()),
        scope=" ".join(token.scopes),
        created_at=int(token.created_at.timestamp()),
        me=policy.actor_id(nickname) if nickname else UNSET,
    )
