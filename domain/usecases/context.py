"""The ports a use case works over, bundled so call sites stay short."""

from __future__ import annotations

from dataclasses import dataclass

from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases.emoji_packs import EmojiPacks
from plerome.ports.clock import Clock
from plerome.ports.ids import Ids
from plerome.ports.passwords import Passwords
from plerome.ports.repositories import Stores
from plerome.ports.secrets import Secrets


@dataclass(frozen=True, slots=True)
class Context:
    stores: Stores
    clock: Clock
    ids: Ids
    secrets: Secrets
    passwords: Passwords
    policy: InstancePolicy
    emoji: EmojiPacks | None = None  # custom emoji packs; None: the app has none (wiring always sets it)
