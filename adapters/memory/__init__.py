"""In-memory adapters of every port, for tests and for embedding plerome with no database.

They pass the same contract suites as the SQLite and Postgres adapters.
"""

from .basics import FakePasswords, FixedClock, SequentialIds
from .files import MemoryFiles
from .mail import MemoryMailer
from .stores import MemoryStores

__all__ = ["FakePasswords", "FixedClock", "MemoryFiles", "MemoryMailer", "MemoryStores", "SequentialIds"]
