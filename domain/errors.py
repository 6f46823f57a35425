"""Domain errors. The message is the client-facing text; HTTP codes are chosen at the edge."""


class DomainError(Exception):
    """A rule said no. Subclasses say which kind of no."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The request is malformed or breaks a rule about its values."""


class MissingField(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"Missing field: {name}.")
        self.field = name


class NotFound(DomainError):
    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    """Known caller, not allowed."""


class Unauthorized(DomainError):
    """No usable credentials (Pleroma answers these with 403 too)."""

    def __init__(self, message: str = "Invalid credentials.") -> None:
        super().__init__(message)


class InsufficientScopes(Forbidden):
    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(f"Insufficient permissions: {' | '.join(missing)}.")
        self.missing = missing


class InvalidCredentials(Unauthorized):
    """A login (password, client secret, code) did not check out."""

    def __init__(self, message: str = "Invalid credentials") -> None:
        super().__init__(message)


class InvalidPassword(DomainError):
    """The account's current password was asked for and did not match."""

    def __init__(self) -> None:
        super().__init__("Invalid password.")


class AccountBlocked(Forbidden):
    """Login refused for the account's state; `identifier` is Pleroma's machine-readable reason."""

    def __init__(self, message: str, identifier: str) -> None:
        super().__init__(message)
        self.identifier = identifier


class Unprocessable(DomainError):
    pass


class Conflict(DomainError):
    pass


class TooLarge(DomainError):
    pass


class Throttled(DomainError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Throttled")
        self.retry_after = retry_after
