"""What every route module is handed: services, auth and parameter reading, bound to one app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import msgspec
from starlette.requests import Request

from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases.context import Context

from ..services import Services
from .auth import Auth
from .params import params

T = TypeVar("T", bound=msgspec.Struct)


@dataclass(frozen=True)
class Web:
    svc: Services
    auth: Auth

    @property
    def ctx(self) -> Context:
        return self.svc.ctx

    @property
    def policy(self) -> InstancePolicy:
        return self.svc.ctx.policy

    async def params(self, request: Request, struct: type[T]) -> T:
        return await params(request, struct, self.svc.settings.upload_limit)
