"""Where a report, template or PDF goes: a file name in a folder that exists and can be written.

Every problem with an output is one line that names the *target* file (never the hidden temporary
file `.~…` it is first written to), says why and what to do, in the report's language (zh/en):

    cannot write /x/report.xlsx: the folder /x does not exist; create it first or choose another -o
    无法写入 /x/report.xlsx：文件夹 /x 不存在；请先创建该文件夹，或用 -o 指定其他位置

A missing folder is never created on the user's behalf: a typo in -o would otherwise scatter
reports into new folders nobody looks at.

Every output (report, PDF, template) is decided by `claim` before anything is created, by one rule:

- the input is never a target, however it is spelled (`nosuchdir/../in.xlsx`, a symbolic link to it,
  a hard link to it), with or without --force;
- an existing file is kept: the output gets the first free name `name (2).ext`, `name (3).ext`, …;
  --force replaces it, except a read-only file, which is refused (a file someone marked read-only is
  not replaced behind their back; Windows refuses the same replacement);
- a symbolic link is followed: the file it points to is what gets written.

`write_file` (atomic.py) writes through a temporary file beside the target; SIGTERM, SIGHUP or Ctrl-C
during that write removes the temporary file and ends the command with one line (`Interrupted`).
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..inputs.tables import InputError

_OTHER = ("请用 -o 指定其他位置", "choose another -o")

# reason key -> (zh, en); {t} target file, {f} its folder, {x} an example, {s} the system's words
_REASONS = {
    "no_folder": ("文件夹 {f} 不存在；请先创建该文件夹，或用 -o 指定其他位置",
                  "the folder {f} does not exist; create it first or choose another -o"),
    "not_folder": ("{f} 是文件而不是文件夹；" + _OTHER[0], "{f} is a file, not a folder; " + _OTHER[1]),
    "is_folder": ("这是一个文件夹；请写出文件名，例如 -o {x}", "it is a folder; give a file name, e.g. -o {x}"),
    "folder_named": ("已有同名文件夹；" + _OTHER[0], "a folder has this name; " + _OTHER[1]),
    "suffix": ("只能写成 .xlsx 工作簿；请给出以 .xlsx 结尾的文件名", "it can only be written as an .xlsx workbook; "
               "give a file name ending in .xlsx"),
    "no_access": ("没有文件夹 {f} 的写入权限；请用 -o 指定其他位置，或申请写入权限",
                  "no permission to write in the folder {f}; choose another -o or ask for write access"),
    "read_only": ("文件夹 {f} 位于只读磁盘；" + _OTHER[0], "the folder {f} is on a read-only drive; " + _OTHER[1]),
    "locked": ("该文件正被其他程序（如 Excel）打开或为只读；请关闭后重试，或用 -o 指定其他位置",
               "the file is open in another program (e.g. Excel) or read-only; close it and run again, "
               "or choose another -o"),
    "disk_full": ("磁盘空间已满；请清理空间，或用 -o 指定其他位置", "the disk is full; free some space or choose another -o"),
    "too_long": ("文件名或路径过长；请用 -o 指定较短的名称", "the name or path is too long; choose a shorter -o"),
    "other": ("{s}；" + _OTHER[0], "{s}; " + _OTHER[1]),
    "is_input": ("这就是输入文件 {i}；输出绝不写在输入文件上（--force 也不会）；" + _OTHER[0],
                 "it is the input file {i}; an output is never written over its input (not even with --force); "
                 + _OTHER[1]),
    "read_only_file": ("该文件是只读的，--force 也不会替换只读文件；请先取消其只读属性，或用 -o 指定其他位置",
                       "the file is read-only and --force does not replace a read-only file; "
                       "make it writable first or choose another -o"),
    "too_many": ("已有太多同名的旧文件；请加 --force 替换，或用 -o 指定其他位置",
                 "too many earlier files with this name; pass --force to replace it or choose another -o"),
}


class WriteError(InputError):
    """An output that cannot be written: one line naming the target, in zh and en (`str()` is `lang`'s)."""

    def __init__(self, target: Path, reason: str, lang: str = "zh", **fmt):
        self.target, self.reason = Path(target), reason
        fmt = {"t": self.target, "f": _folder(self.target), **fmt}
        zh, en = _REASONS[reason]
        zh = f"无法写入 {self.target}：" + zh.format(**fmt)
        en = f"cannot write {self.target}: " + en.format(**fmt)
        super().__init__(zh if lang == "zh" else en)
        self.zh, self.en = zh, en           # say(lang) picks; str() stays the language it was made in


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) not in ("", ".") else Path.cwd()


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:             # e.g. a name too long to look up
        return False


def period_stem(period) -> str:
    """The period as output file names show it: its label (2026-10, 2026-Q3, 2026-H1, 2026), except a range,
    whose `..` becomes `_` (2026-01-01_2026-03-31): a name with `..` looks like a parent-folder step to
    upload filters and mail gateways, and its last dot would read as the extension of a name given without one."""
    return period.label.replace("..", "_")


def report_name(period) -> str:
    """servicepledge-report-2026-Q3.xlsx: the default report workbook name for a period."""
    return f"servicepledge-report-{period_stem(period)}.xlsx"


def xlsx_target(out, example: str, lang: str = "zh") -> Path:
    """The .xlsx file `-o` names: '.xlsx' is added to a name without extension (as Excel's Save As does);
    a folder (existing, or written with a trailing slash) or another extension is refused.

    `example` is the file name suggested when `-o` names a folder.
    """
    raw = os.fspath(out)
    path = Path(raw)
    if _is_dir(path) and path.suffix.lower() == ".xlsx":
        raise WriteError(path, "folder_named", lang)
    if raw.endswith(("/", os.sep)) or _is_dir(path):
        raise WriteError(path, "is_folder", lang, x=path / example)
    if path.suffix == "":
        path = path.with_name(path.name + ".xlsx")
    elif path.suffix.lower() != ".xlsx":
        raise WriteError(path, "suffix", lang)
    return path


def check_target(out: Path, lang: str = "zh") -> None:
    """Refuse, before anything is written, a target whose folder is missing or which is itself a folder."""
    out = Path(out)
    folder = _folder(out)
    try:
        if out.is_dir():
            raise WriteError(out, "folder_named", lang)
        if not folder.exists():
            raise WriteError(out, "no_folder", lang)
        if not folder.is_dir():
            raise WriteError(out, "not_folder", lang)
    except OSError as e:        # the name cannot even be looked up (too long, a folder without access …)
        raise write_error(e, out, lang) from None


def write_error(e: OSError, out: Path, lang: str = "zh") -> WriteError:
    """The one-line error for an OSError met while writing `out` through a temporary file beside it."""
    out = Path(out)
    code = e.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return WriteError(out, "disk_full", lang)
    if code == errno.ENAMETOOLONG:
        return WriteError(out, "too_long", lang)
    if code == errno.EROFS:
        return WriteError(out, "read_only", lang)
    if _is_dir(out):
        return WriteError(out, "folder_named", lang)
    if code == errno.ENOENT and not _is_dir(_folder(out)):
        return WriteError(out, "no_folder", lang)
    if code == errno.ENOTDIR:
        return WriteError(out, "not_folder", lang)
    if isinstance(e, PermissionError) or code in (errno.EACCES, errno.EPERM):
        # only os.replace names two files: the temporary one was written, replacing the target failed
        return WriteError(out, "locked" if getattr(e, "filename2", None) else "no_access", lang)
    return WriteError(out, "other", lang, s=e.strerror or type(e).__name__)


def same_file(a, b) -> bool:
    """True when `a` and `b` name one file: the same path once normalised with symbolic links resolved
    (`x/../in.xlsx`, a link to it, even when `x` does not exist), or, when both exist, the same file on
    disk (a hard link: same device and inode)."""
    ra, rb = os.path.realpath(a), os.path.realpath(b)
    if os.path.normcase(ra) == os.path.normcase(rb):
        return True
    try:
        sa, sb = os.stat(ra), os.stat(rb)
    except (OSError, ValueError):
        return False
    return bool(sa.st_ino) and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _read_only(p: Path) -> bool:
    try:
        st = os.stat(p)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (not st.st_mode & stat.S_IWUSR or not os.access(p, os.W_OK))


def _lexists(p: Path) -> bool:
    try:
        return os.path.lexists(p)
    except (OSError, ValueError):
        return False


def free_name(out: Path, lang: str = "zh") -> Path:
    """`out` if no file (or link) has that name, else the first free 'name (n).ext'."""
    out = Path(out)
    if not _lexists(out):
        return out
    for i in range(2, 1000):
        cand = out.with_name(f"{out.stem} ({i}){out.suffix}")
        if not _lexists(cand):
            return cand
    raise WriteError(out, "too_many", lang)


def refuse_inputs(out: Path, inputs, lang: str = "zh") -> None:
    """Refuse `out` when it is one of `inputs`, however spelled (see `same_file`)."""
    for i in inputs:
        if i is not None and same_file(out, i):
            raise WriteError(out, "is_input", lang, i=i)


def claim(out, *, force: bool = False, lang: str = "zh", inputs=()) -> Path:
    """The file an output goes to, decided before anything is created (the rule in this module's text).

    Returns `out` or 'name (n).ext'; raises WriteError (one line naming `out`) for the input, a folder
    that does not exist, a folder with this name, or (with --force) a read-only file.
    """
    out = Path(out)
    refuse_inputs(out, inputs, lang)
    check_target(out, lang)
    if not force:
        out = free_name(out, lang)
        refuse_inputs(out, inputs, lang)
    elif _read_only(Path(os.path.realpath(out))):
        raise WriteError(out, "read_only_file", lang)
    return out


# ---------------------------------------------------------------- signals during a write

_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


class Interrupted(BaseException):
    """SIGTERM, SIGHUP or Ctrl-C during a write: the temporary file is removed, the target untouched.

    A BaseException (like KeyboardInterrupt), so no `except Exception` on the way swallows it; the
    command line prints `str()` (one line in `lang`) and exits with `code` = 128 + the signal number.
    """

    def __init__(self, signum: int, target: Path, lang: str = "zh"):
        self.signum, self.target, self.code = signum, Path(target), 128 + int(signum)
        self.zh = f"已中断；{self.target} 未写入任何内容"
        self.en = f"interrupted; nothing was written to {self.target}"
        super().__init__(self.zh if lang == "zh" else self.en)


class on_signals:
    """`with on_signals(target, lang):` — SIGTERM/SIGHUP/SIGINT raise Interrupted inside the block, so
    the writer's cleanup runs (no '.~…' file is left); the previous handlers come back afterwards.
    Outside the main thread (xlwings Server) or without signals (Pyodide) it does nothing."""

    def __init__(self, target: Path, lang: str = "zh"):
        self.target, self.lang, self.old = target, lang, {}

    def _raise(self, signum, frame):
        raise Interrupted(signum, self.target, self.lang)

    def __enter__(self):
        try:
            import signal
            import threading
            if threading.current_thread() is not threading.main_thread():
                return self
            for name in _SIGNALS:
                num = getattr(signal, name, None)
                if num is not None:
                    self.old[num] = signal.signal(num, self._raise)
        except (ImportError, ValueError, OSError, AttributeError):
            self.__exit__()
        return self

    def __exit__(self, *exc):
        import signal
        for num, old in self.old.items():
            try:
                signal.signal(num, old if old is not None else signal.SIG_DFL)
            except (ValueError, OSError):
                pass
        self.old = {}
        return False
