from typing import Protocol


class Passwords(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches. With no hash (an unknown account) the same work is done
        and the answer is False, so timing does not tell which accounts exist."""
        ...
