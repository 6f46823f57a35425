"""Files on the local disk, under `DATA_DIR/media`."""

from .files import FilesystemFiles

__all__ = ["FilesystemFiles"]
