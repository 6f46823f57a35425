"""What the instance says about itself: /api/v1/instance, /api/v2/instance and nodeinfo.

`features()` is the one list of feature flags (nodeinfo and the instance's `pleroma.metadata` both
read it): add a flag there when the feature it announces works.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import msgspec
from msgspec import UNSET, UnsetType
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import FIELD_NAME_MAX, FIELD_VALUE_MAX, FIELDS_MAX
from plerome.domain.media import IMAGE_TYPES
from plerome.domain.usecases.instance import Statistics, statistics

from ..services import Services
from . import emoji, reactions
from .json import Json
from .routing import Doc, Endpoint, RouteTable
from .web import Web

PLEROMA_VERSION = "2.5.0"
MASTODON_VERSION = "2.7.2"  # Mastodon.py reads the leading X.Y.Z; below 3.1.4 it uploads to /api/v1/media
REPOSITORY = "https://github.com/plerome/plerome"

# Limits announced to clients. The features that enforce them (statuses, polls) should read these.
MAX_TOOT_CHARS = 5000
MAX_MEDIA_ATTACHMENTS = 1000
POLL_MAX_OPTIONS = 20
POLL_MAX_OPTION_CHARS = 200
POLL_MIN_EXPIRATION = 0
POLL_MAX_EXPIRATION = 365 * 24 * 60 * 60
MAX_REMOTE_FIELDS = 20
POST_FORMATS = ["text/plain", "text/html", "text/markdown", "text/bbcode"]

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"


def features(svc: Services) -> list[str]:
    """Every feature flag plerome announces, each only while the feature works."""
    return ["pleroma_api", "mastodon_api", *emoji.nodeinfo_features(svc), *reactions.nodeinfo_features(svc)]


def plerome_version() -> str:
    try:
        return version("plerome")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0"


# --- entities ---------------------------------------------------------------------------------------


class PollLimits(msgspec.Struct):
    max_options: int
    max_option_chars: int
    min_expiration: int
    max_expiration: int


class StatusesConfig(msgspec.Struct):
    max_characters: int
    max_media_attachments: int


class MediaConfig(msgspec.Struct):
    supported_mime_types: list[str]
    image_size_limit: int
    video_size_limit: int


class PollsConfig(msgspec.Struct):
    max_options: int
    max_characters_per_option: int
    min_expiration: int
    max_expiration: int


class Configuration(msgspec.Struct):
    statuses: StatusesConfig
    media_attachments: MediaConfig
    polls: PollsConfig


class FieldsLimits(msgspec.Struct):
    max_fields: int
    max_remote_fields: int
    name_length: int
    value_length: int


class Federation(msgspec.Struct):
    enabled: bool
    exclusions: bool
    mrf_policies: list[str]
    quarantined_instances: list[str]


class PleromaMetadata(msgspec.Struct):
    account_activation_required: bool
    features: list[str]
    federation: Federation
    fields_limits: FieldsLimits
    post_formats: list[str]
    privileged_staff: bool


class PleromaStats(msgspec.Struct):
    mau: int


class InstancePleroma(msgspec.Struct):
    metadata: PleromaMetadata
    stats: PleromaStats
    vapid_public_key: str | None


class InstanceUrls(msgspec.Struct):
    streaming_api: str


class InstanceStats(msgspec.Struct):
    user_count: int
    status_count: int
    domain_count: int


class InstanceV1(msgspec.Struct):
    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str
    urls: InstanceUrls
    stats: InstanceStats
    thumbnail: str
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    contact_account: None
    rules: list[str]
    max_toot_chars: int
    max_media_attachments: int
    poll_limits: PollLimits
    upload_limit: int
    avatar_upload_limit: int
    background_upload_limit: int
    banner_upload_limit: int
    background_image: str
    configuration: Configuration
    pleroma: InstancePleroma


class V2Users(msgspec.Struct):
    active_month: int


class V2Usage(msgspec.Struct):
    users: V2Users


class V2Thumbnail(msgspec.Struct):
    url: str


class V2Urls(msgspec.Struct):
    streaming: str


class V2Accounts(msgspec.Struct):
    max_featured_tags: int


class V2Translation(msgspec.Struct):
    enabled: bool


class V2Configuration(msgspec.Struct):
    urls: V2Urls
    accounts: V2Accounts
    statuses: StatusesConfig
    media_attachments: MediaConfig
    polls: PollsConfig
    translation: V2Translation


class V2Registrations(msgspec.Struct):
    enabled: bool
    approval_required: bool
    message: str | None


class V2Contact(msgspec.Struct):
    email: str
    account: None


class InstanceV2(msgspec.Struct):
    domain: str
    title: str
    version: str
    source_url: str
    description: str
    usage: V2Usage
    thumbnail: V2Thumbnail
    languages: list[str]
    configuration: V2Configuration
    registrations: V2Registrations
    contact: V2Contact
    rules: list[str]
    pleroma: InstancePleroma


class NodeinfoLink(msgspec.Struct):
    rel: str
    href: str


class NodeinfoLinks(msgspec.Struct):
    links: list[NodeinfoLink]


class NodeinfoSoftware(msgspec.Struct, omit_defaults=True):
    name: str
    version: str
    repository: str | UnsetType = UNSET
    homepage: str | UnsetType = UNSET


class NodeinfoServices(msgspec.Struct):
    inbound: list[str]
    outbound: list[str]


# Nodeinfo spells its keys in camelCase; these Structs are written in snake_case and renamed.


class NodeinfoUsers(msgspec.Struct, rename="camel"):
    total: int  # no activeMonth/activeHalfyear (optional): account activity is not recorded yet


class NodeinfoUsage(msgspec.Struct, rename="camel"):
    users: NodeinfoUsers
    local_posts: int


class UploadLimits(msgspec.Struct):
    general: int
    avatar: int
    banner: int
    background: int


class NodeinfoFieldsLimits(msgspec.Struct, rename="camel"):
    max_fields: int
    max_remote_fields: int
    name_length: int
    value_length: int


class Suggestions(msgspec.Struct):
    enabled: bool


class NodeinfoMetadata(msgspec.Struct, rename="camel"):
    node_name: str
    node_description: str
    software: NodeinfoSoftware
    features: list[str]
    federation: Federation
    account_activation_required: bool
    invites_enabled: bool
    mailer_enabled: bool
    private: bool
    post_formats: list[str]
    upload_limits: UploadLimits
    fields_limits: NodeinfoFieldsLimits
    poll_limits: PollLimits
    staff_accounts: list[str]
    restricted_nicknames: list[str]
    suggestions: Suggestions


class Nodeinfo(msgspec.Struct, rename="camel"):
    version: str
    software: NodeinfoSoftware
    protocols: list[str]
    services: NodeinfoServices
    open_registrations: bool
    usage: NodeinfoUsage
    metadata: NodeinfoMetadata


# --- building them ----------------------------------------------------------------------------------


class _Describe:
    """Everything the three documents share, computed from one app's settings."""

    def __init__(self, web: Web) -> None:
        settings = web.svc.settings
        policy = web.policy
        self.settings = settings
        self.base = policy.base_url
        self.host = policy.host
        self.name = policy.name
        self.description = f"{policy.name}: a Pleroma-compatible server"
        self.version = (
            f"{MASTODON_VERSION} (compatible; Pleroma {PLEROMA_VERSION}; plerome {plerome_version()})"
        )
        self.streaming = "ws" + self.base.removeprefix("http") if self.base.startswith("http") else self.base
        self.thumbnail = f"{self.base}/images/banner.png"
        self.features = features(web.svc)
        limit = settings.upload_limit
        self.poll_limits = PollLimits(
            POLL_MAX_OPTIONS, POLL_MAX_OPTION_CHARS, POLL_MIN_EXPIRATION, POLL_MAX_EXPIRATION
        )
        self.statuses = StatusesConfig(MAX_TOOT_CHARS, MAX_MEDIA_ATTACHMENTS)
        self.media = MediaConfig([t.mime for t in IMAGE_TYPES], limit, limit)
        self.polls = PollsConfig(
            POLL_MAX_OPTIONS, POLL_MAX_OPTION_CHARS, POLL_MIN_EXPIRATION, POLL_MAX_EXPIRATION
        )
        self.fields_limits = FieldsLimits(FIELDS_MAX, MAX_REMOTE_FIELDS, FIELD_NAME_MAX, FIELD_VALUE_MAX)
        self.federation = Federation(
            enabled=False, exclusions=False, mrf_policies=[], quarantined_instances=[]
        )
        self.upload_limits = UploadLimits(limit, limit, limit, limit)

    def pleroma(self, stats: Statistics) -> InstancePleroma:
        return InstancePleroma(
            metadata=PleromaMetadata(
                account_activation_required=self.settings.account_activation_required,
                features=self.features,
                federation=self.federation,
                fields_limits=self.fields_limits,
                post_formats=POST_FORMATS,
                privileged_staff=False,
            ),
            stats=PleromaStats(mau=stats.active_month),
            vapid_public_key=None,
        )

    def v1(self, stats: Statistics) -> InstanceV1:
        limit = self.settings.upload_limit
        return InstanceV1(
            uri=self.base,
            title=self.name,
            short_description=self.description,
            description=self.description,
            email="",
            version=self.version,
            urls=InstanceUrls(streaming_api=self.streaming),
            stats=InstanceStats(stats.users, stats.statuses, stats.domains),
            thumbnail=self.thumbnail,
            languages=["en"],
            registrations=self.settings.registrations_open,
            approval_required=False,
            invites_enabled=False,
            contact_account=None,
            rules=[],
            max_toot_chars=MAX_TOOT_CHARS,
            max_media_attachments=MAX_MEDIA_ATTACHMENTS,
            poll_limits=self.poll_limits,
            upload_limit=limit,
            avatar_upload_limit=limit,
            background_upload_limit=limit,
            banner_upload_limit=limit,
            background_image=self.thumbnail,
            configuration=Configuration(self.statuses, self.media, self.polls),
            pleroma=self.pleroma(stats),
        )

    def v2(self, stats: Statistics) -> InstanceV2:
        return InstanceV2(
            domain=self.host,
            title=self.name,
            version=self.version,
            source_url=REPOSITORY,
            description=self.description,
            usage=V2Usage(V2Users(stats.active_month)),
            thumbnail=V2Thumbnail(self.thumbnail),
            languages=["en"],
            configuration=V2Configuration(
                urls=V2Urls(self.streaming),
                accounts=V2Accounts(max_featured_tags=0),
                statuses=self.statuses,
                media_attachments=self.media,
                polls=self.polls,
                translation=V2Translation(enabled=False),
            ),
            registrations=V2Registrations(self.settings.registrations_open, False, None),
            contact=V2Contact(email="", account=None),
            rules=[],
            pleroma=self.pleroma(stats),
        )

    def nodeinfo(self, schema: str, stats: Statistics) -> Nodeinfo:
        software = NodeinfoSoftware("pleroma", PLEROMA_VERSION)
        if schema == "2.1":
            software.repository = REPOSITORY
            software.homepage = REPOSITORY
        return Nodeinfo(
            version=schema,
            software=software,
            # nodeinfo requires at least one protocol; the profiles' ids are ActivityPub actor ids.
            protocols=["activitypub"],
            services=NodeinfoServices(inbound=[], outbound=[]),
            open_registrations=self.settings.registrations_open,
            usage=NodeinfoUsage(NodeinfoUsers(stats.users), stats.statuses),
            metadata=NodeinfoMetadata(
                node_name=self.name,
                node_description=self.description,
                software=NodeinfoSoftware("plerome", plerome_version(), repository=REPOSITORY),
                features=self.features,
                federation=self.federation,
                account_activation_required=self.settings.account_activation_required,
                invites_enabled=False,
                mailer_enabled=False,  # nothing sends mail yet (password resets, confirmations)
                private=False,
                post_formats=POST_FORMATS,
                upload_limits=self.upload_limits,
                fields_limits=NodeinfoFieldsLimits(*msgspec.structs.astuple(self.fields_limits)),
                poll_limits=self.poll_limits,
                staff_accounts=[],
                restricted_nicknames=[],
                suggestions=Suggestions(enabled=False),
            ),
        )


def routes(web: Web) -> list[BaseRoute]:
    describe = _Describe(web)

    async def instance_v1(request: Request) -> Response:
        return Json(describe.v1(await statistics(web.ctx)))

    async def instance_v2(request: Request) -> Response:
        return Json(describe.v2(await statistics(web.ctx)))

    async def well_known(request: Request) -> Response:
        return Json(
            NodeinfoLinks(
                [
                    NodeinfoLink(NODEINFO_SCHEMA + v, f"{describe.base}/nodeinfo/{v}.json")
                    for v in ("2.0", "2.1")
                ]
            )
        )

    def nodeinfo(schema: str) -> Endpoint:
        media_type = f'application/json; profile="{NODEINFO_SCHEMA}{schema}#"'

        async def serve(request: Request) -> Response:
            return Json(describe.nodeinfo(schema, await statistics(web.ctx)), media_type=media_type)

        return serve

    table = RouteTable()
    for path in ("/api/v1/instance", "/api/v1/instance/"):
        table.add(path, instance_v1, ["GET"], Doc("This instance (Mastodon v1 shape)", None, InstanceV1))
    for path in ("/api/v2/instance", "/api/v2/instance/"):
        table.add(path, instance_v2, ["GET"], Doc("This instance (Mastodon v2 shape)", None, InstanceV2))
    table.add(
        "/.well-known/nodeinfo",
        well_known,
        ["GET"],
        Doc("Where the nodeinfo documents are", None, NodeinfoLinks),
    )
    for schema in ("2.0", "2.1"):
        table.add(
            f"/nodeinfo/{schema}.json",
            nodeinfo(schema),
            ["GET"],
            Doc(f"Nodeinfo {schema}", None, Nodeinfo),
        )
    return table.routes
