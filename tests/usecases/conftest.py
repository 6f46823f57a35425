"""Use cases run on the in-memory adapters with a fixed clock and sequential ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plerome.adapters.memory import FakePasswords, FixedClock, MemoryStores, SequentialIds
from plerome.adapters.system import TokenSecrets
from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases.context import Context


@pytest.fixture
def make_ctx() -> Callable[..., Context]:
    def make(**overrides: Any) -> Context:
        ports: dict[str, Any] = {
            "stores": MemoryStores(),
            "clock": FixedClock(),
            "ids": SequentialIds(),
            "secrets": TokenSecrets(),
            "passwords": FakePasswords(),
            "policy": InstancePolicy(base_url="https://social.example"),
        }
        ports.update(overrides)
        return Context(**ports)

    return make


@pytest.fixture
def ctx(make_ctx) -> Context:
    return make_ctx()
