"""Writing a file atomically: to a temporary file beside the target, then renamed into place, with the
mode a new file gets from the umask; SIGTERM/SIGHUP/Ctrl-C during the write leave the target as it was."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import outfile


def new_file_mode() -> int:
    """The permissions a newly created file gets here: 0o666 less the process umask.

    A umask that would lock the owner out of their own file is not a real setting (Emscripten, the
    runtime of Pyodide and xlwings Lite, reports 0o777): then 0o644, readable by all, writable by
    the owner."""
    mask = os.umask(0o022)
    os.umask(mask)
    if mask & 0o600:
        return 0o644
    return 0o666 & ~mask


def _block_signals():
    """Hold back SIGTERM/SIGHUP/SIGINT while the temporary file is created (so a handler never runs
    between its creation and the cleanup that removes it); returns what to restore, or None."""
    import signal
    if not hasattr(signal, "pthread_sigmask"):
        return None
    nums = {getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n)}
    try:
        return signal.pthread_sigmask(signal.SIG_BLOCK, nums)
    except (OSError, ValueError, RuntimeError):
        return None


def _unblock_signals(old) -> None:
    if old is not None:
        import signal
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_atomic(out: Path, write) -> Path:
    """Call `write(temp_path)` on a temporary file beside `out`, then rename it into place.

    Readers never see a half-written file, an interrupted write (an error, Ctrl-C, or a signal that
    `outfile.on_signals` turns into an exception) leaves the previous `out` intact and no temporary
    file, and the file gets ordinary permissions (mkstemp's are owner-only).
    """
    out = Path(out)
    held = _block_signals()
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~" + out.stem, suffix=out.suffix or ".tmp", dir=out.parent)
    except BaseException:
        _unblock_signals(held)
        raise
    try:
        _unblock_signals(held)
        os.close(fd)
        write(tmp)
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out


def write_file(out: Path, write, lang: str = "zh", inputs=()) -> Path:
    """write_atomic for a user's output file: the folder must exist (it is never created), the target is
    never one of `inputs` (however spelled: outfile.same_file), a symbolic link is written through (the
    file it points to is replaced, the link stays), and what cannot be written raises outfile.WriteError,
    one line in `lang` naming `out` (never the temporary file, which write_atomic removes). SIGTERM,
    SIGHUP and Ctrl-C during the write raise outfile.Interrupted."""
    out = Path(out)
    outfile.refuse_inputs(out, inputs, lang)
    outfile.check_target(out, lang)
    try:
        with outfile.on_signals(out, lang):
            write_atomic(Path(os.path.realpath(out)), write)
        return out
    except OSError as e:
        raise outfile.write_error(e, out, lang) from None
