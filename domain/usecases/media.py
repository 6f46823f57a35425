"""Media uploads: files an account uploads to attach to its statuses later, and their descriptions.

The file is written first and the attachment row after it, so a row never names a missing file; if
the row cannot be written the file is removed again.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

from plerome.domain.attachments import Attachment, check_description, parse_focus
from plerome.domain.errors import NotFound, TooLarge, Unprocessable
from plerome.domain.media import file_key
from plerome.domain.media_probe import probe

from .context import Context

UPLOADS = "attachments"  # the folder of the file store uploads go to


def check_upload(data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise TooLarge("File is too large")
    if not data:
        raise Unprocessable("The file is empty.")


async def upload_media(
    ctx: Context,
    owner_id: str,
    data: bytes,
    limit: int,
    description: str | None = None,
    focus: str | None = None,
) -> Attachment:
    """Store `data` as a new attachment of `owner_id`, not yet attached to any status. Its type is
    what the bytes hold; a file of no type we know is kept as `unknown` (served only as a download)."""
    check_upload(data, limit)
    text = check_description(description or "")
    point = parse_focus(focus) if focus else None
    found = probe(data)
    attachment_id = ctx.ids.new()
    # The secret part keeps the URLs of media in private statuses from being guessed.
    key = file_key(UPLOADS, f"{attachment_id}-{ctx.secrets.token()[:16]}", found.type)
    attachment = Attachment(
        id=attachment_id,
        account_id=owner_id,
        file_key=key,
        mime_type=found.type.mime,
        kind=found.type.kind,
        size=len(data),
        created_at=ctx.clock.now(),
        description=text,
        focus=point,
        width=found.width,
        height=found.height,
    )
    await ctx.files.save(key, data)
    try:
        await ctx.stores.attachments.add(attachment)
    except BaseException:
        with contextlib.suppress(Exception):
            await ctx.files.delete(key)
        raise
    return attachment


async def get_media(ctx: Context, viewer_id: str, attachment_id: str) -> Attachment:
    """One of the viewer's own attachments; anyone else's is not found, like an unknown id."""
    attachment = await ctx.stores.attachments.get(attachment_id)
    if attachment is None or attachment.account_id != viewer_id:
        raise NotFound()
    return attachment


async def update_media(
    ctx: Context,
    viewer_id: str,
    attachment_id: str,
    description: str | None = None,
    focus: str | None = None,
) -> Attachment:
    """Change an attachment's description or focal point (None leaves one alone, "" clears it)."""
    changes: dict[str, Any] = {}
    if description is not None:
        changes["description"] = check_description(description)
    if focus is not None:
        changes["focus"] = parse_focus(focus) if focus else None
    async with ctx.stores.transaction() as tx:
        attachment = await tx.attachments.get(attachment_id)
        if attachment is None or attachment.account_id != viewer_id:
            raise NotFound()
        updated = dataclasses.replace(attachment, **changes)
        if updated != attachment:
            await tx.attachments.update(updated)
    return updated
