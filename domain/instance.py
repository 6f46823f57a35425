"""What an instance's operator decides, as far as the rules need it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InstancePolicy:
    name: str = "plerome"
    base_url: str = "http://127.0.0.1:4000"
    registrations_open: bool = False
    account_activation_required: bool = False
    login_failures: int = 10  # failed logins or second-factor codes per account in 15 minutes

    @property
    def host(self) -> str:
        return self.base_url.split("://", 1)[-1].split("/", 1)[0]

    def actor_id(self, nickname: str) -> str:
        """The ActivityPub id of a local account (`me` in token answers, `ap_id` in entities)."""
        return f"{self.base_url}/users/{nickname}"

    def profile_url(self, nickname: str) -> str:
        return f"{self.base_url}/users/{nickname}"
