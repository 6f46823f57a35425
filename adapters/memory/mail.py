"""A mailer that keeps what it is given, for tests."""

from __future__ import annotations

from plerome.domain.mail import Mail


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)
