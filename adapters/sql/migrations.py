"""Reading a dialect's numbered migration files from the installed package."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: str  # the file name without .sql, e.g. "0001_foundation"
    sql: str


def load(package: str) -> list[Migration]:
    """The migrations in `<package>/migrations/`, oldest first. Refuses a misnamed or doubled number."""
    found: dict[str, Migration] = {}
    for entry in files(package).joinpath("migrations").iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        match = _NAME.fullmatch(name)
        if match is None:
            raise ValueError(f"migration file {name!r} is not named NNNN_words.sql")
        number = match.group(1)
        if number in found:
            raise ValueError(f"two migrations numbered {number}: {found[number].version}, {name}")
        found[number] = Migration(version=name[:-4], sql=entry.read_text(encoding="utf-8"))
    return [found[n] for n in sorted(found)]
