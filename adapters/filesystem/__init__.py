"""Adapters over the local filesystem: media files under `DATA_DIR/media`, emoji packs."""

from .files import FilesystemFiles

__all__ = ["FilesystemFiles"]
