from typing import Protocol


class Secrets(Protocol):
    def token(self) -> str:
        """A fresh unguessable URL-safe secret (OAuth tokens, client secrets, codes)."""
        ...

    def digest(self, secret: str) -> str:
        """The stored form of a high-entropy secret: a one-way hash, equal for equal input."""
        ...
