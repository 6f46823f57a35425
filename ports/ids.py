from typing import Protocol


class Ids(Protocol):
    def new(self) -> str:
        """A fresh id: unique, and sorting as text in creation order (Pleroma's flake ids)."""
        ...
