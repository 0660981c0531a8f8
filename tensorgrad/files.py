"""Writing the user's files without ever losing one: atomically, and as ``torch.save`` treats special paths.

A regular file is replaced whole or not at all: the bytes go to a temporary file in the same
directory, are fsynced, and the temporary file is renamed over the target (``os.replace``), keeping an
existing file's mode. A symlink is written through (its target is replaced, the link stays); a
read-only file raises PermissionError and is left as it was; a directory, FIFO, socket or device file
is refused, never replaced.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from pathlib import Path
from typing import BinaryIO, Callable

_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket",
          stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}
_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def writable_target(path: str | os.PathLike, who: str) -> tuple[Path, os.stat_result | None]:
    """The regular file that writing ``path`` replaces (symlinks followed), with its stat (None when it
    does not exist yet). Refuses directories and special files, and read-only files with PermissionError.

    Read-only means no write permission for us, or no write bit at all (so root, whom the OS lets
    write anything, does not silently replace a file someone marked read-only either).
    """
    target = Path(os.path.realpath(os.fspath(path)))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target, None
    kind = stat.S_IFMT(st.st_mode)
    if kind in _KINDS:
        cls = IsADirectoryError if kind == stat.S_IFDIR else OSError
        err = errno.EISDIR if kind == stat.S_IFDIR else errno.EINVAL
        raise cls(err, f"{who}: refusing to write to {_KINDS[kind]}, which is not a regular file; "
                       f"give the path of a file to create or replace", os.fspath(path))
    if not (st.st_mode & _ANY_WRITE) or not os.access(target, os.W_OK):
        shown = os.fspath(path) if os.fspath(path) == os.fspath(target) else f"{os.fspath(path)} -> {target}"
        raise PermissionError(errno.EACCES, f"{who}: {shown} is read-only (mode {stat.filemode(st.st_mode)}); "
                              f"it was left unchanged. Save under another name, or make it writable "
                              f"(chmod u+w) if you mean to replace it", os.fspath(path))
    return target, st


def write_atomic(path: str | os.PathLike, write: Callable[[BinaryIO], object], who: str) -> Path:
    """Call ``write(f)`` on a temporary file beside ``path``'s target, fsync it and rename it over the
    target; on any failure (or Ctrl-C) the temporary file is removed and the target is untouched.
    Returns the file written (the symlink's target when ``path`` is a symlink)."""
    target, existing = writable_target(path, who)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        # mode 0o666 honours the umask, as any file the user writes (mkstemp would give 0o600)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except PermissionError as err:
        raise PermissionError(errno.EACCES, f"{who}: cannot create a file in {target.parent} ({err.strerror}); "
                              f"the file is written beside its target and renamed into place, so the "
                              f"directory must be writable", os.fspath(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            if existing is not None:
                _keep_owner_and_mode(f.fileno(), existing)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)
    return target


def _keep_owner_and_mode(fd: int, existing: os.stat_result) -> None:
    """The replacement keeps the replaced file's permissions (and its owner, where we may set it)."""
    if hasattr(os, "fchmod"):                       # POSIX (Windows has no modes to keep)
        os.fchmod(fd, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "fchown") and (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):
            os.fchown(fd, existing.st_uid, existing.st_gid)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
