"""Sending email."""

from __future__ import annotations

from typing import Protocol

from plerome.domain.mail import Mail


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None:
        """Hand the message on (to a mail server, or to a file); raises when it could not be."""
        ...
