"""The mascot: an image of the account's choosing that Pleroma-FE shows beside the post form. It is
stored like the profile images, as the key of a file on the account."""

from __future__ import annotations

from plerome.domain.accounts import Account
from plerome.domain.errors import TooLarge, Unprocessable
from plerome.domain.media import detect_image

from .accounts import ProfileChange, update_credentials
from .context import Context


async def set_mascot(ctx: Context, account_id: str, data: bytes, limit: int) -> Account:
    """The account with `data` as its new mascot (the old file is removed); images only."""
    if len(data) > limit:
        raise TooLarge("File is too large")
    if detect_image(data) is None:
        raise Unprocessable("mascots can only be images")
    return await update_credentials(ctx, account_id, ProfileChange(), {"mascot": data}, limit)
