"""Writing files so that a reader sees either the old content or the whole new one, never a part.

The sequence is temp file in the same directory -> write -> fsync -> os.replace -> fsync the directory.
When the disk is full (ENOSPC, EDQUOT) or the process may write no more (EFBIG under RLIMIT_FSIZE) the
temporary file is removed and the caller gets a DiskFullError; no partial file is left at either path.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portal.errors import PortalError

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class FileWriteError(PortalError):
    """A file could not be written; nothing was left behind."""


class DiskFullError(FileWriteError):
    """No room on the disk (or over the file size limit) for the file."""


def write_atomically(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o644) -> Path:
    with replacing(path) as temp:
        _write_new(temp, data, mode)
    return Path(path)


@contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside `path` for the caller to fill; on success it becomes `path`, else it goes.

    The caller's writes must be fsynced (write_atomically does; a ZIP writer closes and fsyncs its file).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield temp
        os.replace(temp, target)
        _fsync_directory(target.parent)
    except OSError as error:
        temp.unlink(missing_ok=True)
        if error.errno in _DISK_FULL:
            raise DiskFullError(
                f"Not enough disk space to write {target.name}; nothing was written. Free some space and retry."
            ) from error
        raise FileWriteError(
            f"Could not write {target.name}: {error.strerror or error}. Nothing was written."
        ) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_exclusively(path: str | os.PathLike[str], data: bytes, *, mode: int) -> None:
    """Create a file that must not exist yet (a key), with its mode set before any byte is written."""
    target = Path(path)
    try:
        _write_new(target, data, mode)
    except FileExistsError:
        raise
    except OSError:
        target.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def fsync_file(path: Path) -> None:
    """Flush a file (or a directory's entries) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_directory(directory: Path) -> None:
    fsync_file(directory)  # the rename is durable only once the directory entry is on disk
