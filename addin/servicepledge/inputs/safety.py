"""Refuse files that are not workbooks, or that are built to exhaust memory, before parsing them.

An .xlsx is a zip of XML parts. We check the signature (an encrypted/password-protected workbook
is an OLE2 container, a CSV is plain text), the total uncompressed size and the compression ratio
(decompression bombs), and that no part declares XML entities (billion laughs).
"""
from __future__ import annotations

import xml.parsers.expat
import zipfile
import zlib
from pathlib import Path

from .tables import InputError

MAX_UNCOMPRESSED = 2 * 1024**3      # 2 GiB of XML in all
MAX_RATIO = 200                     # uncompressed / compressed, per large part
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_workbook_file(path: Path) -> None:
    """Raise InputError with one readable line when `path` is not a safe .xlsx/.xlsm workbook."""
    name = path.name
    if not path.exists():
        raise InputError.not_found(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a workbook", zh=f"{path}：这是一个文件夹，不是工作簿")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name}: the file is empty (0 bytes); save the workbook again from Excel",
                         zh=f"{name}：文件是空的（0 字节）；请在 Excel 中重新保存该工作簿")
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(_OLE2):
        raise InputError(f"{name}: is password-protected or an old .xls file; remove the password "
                         f"(File > Info > Protect Workbook) or save it as .xlsx",
                         zh=f"{name}：工作簿设有密码，或是旧的 .xls 文件；请取消密码（文件 > 信息 > 保护工作簿）"
                         f"或另存为 .xlsx")
    if not head.startswith(b"PK"):
        raise InputError(f"{name}: is not an Excel .xlsx workbook (it looks like "
                         f"{'text or CSV' if _looks_text(head) else 'another kind of file'}); "
                         f"open it in Excel and save it as .xlsx",
                         zh=f"{name}：不是 Excel .xlsx 工作簿（看起来是"
                         f"{'文本或 CSV 文件' if _looks_text(head) else '其他类型的文件'}）；请用 Excel 打开并另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise InputError(f"{name}: refused: it unpacks to {total / 1024**3:.1f} GiB "
                                 f"(limit {MAX_UNCOMPRESSED / 1024**3:.0f} GiB)",
                                 zh=f"{name}：拒绝读取：解压后有 {total / 1024**3:.1f} GiB"
                                    f"（上限 {MAX_UNCOMPRESSED / 1024**3:.0f} GiB）")
            for i in infos:
                if i.file_size > 50 * 1024**2 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                    raise InputError(f"{name}: refused: part {i.filename} is compressed {i.file_size // max(i.compress_size, 1)}:1, "
                                     f"which looks like a decompression bomb",
                                     zh=f"{name}：拒绝读取：部件 {i.filename} 的压缩比为 "
                                        f"{i.file_size // max(i.compress_size, 1)}:1，疑似解压炸弹")
            if "xl/workbook.xml" not in z.namelist():
                raise InputError(f"{name}: is a zip file but not an Excel workbook (no xl/workbook.xml)",
                                 zh=f"{name}：是 zip 压缩文件，但不是 Excel 工作簿（没有 xl/workbook.xml）")
            for i in infos:
                if i.filename.endswith((".xml", ".rels")) and _declares_doctype(z, i, name):
                    raise InputError(f"{name}: refused: part {i.filename} declares a DOCTYPE or XML entities "
                                     f"(a known attack on XML readers, e.g. 'billion laughs')",
                                     zh=f"{name}：拒绝读取：部件 {i.filename} 声明了 DOCTYPE 或 XML 实体"
                                        f"（一种针对 XML 读取程序的已知攻击，如“billion laughs”）")
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
            UnicodeError, LookupError) as e:
        # a broken deflate stream, a bad CRC, a part declaring an encoding expat cannot read (UTF-16 …)
        text = " ".join(str(e).split())[:120] or type(e).__name__
        raise InputError(f"{name}: the workbook is damaged ({text}); open it in Excel and save it again",
                         zh=f"{name}：工作簿已损坏（{text}）；请用 Excel 打开并重新保存") from None


class _Stop(Exception):
    pass


def _declares_doctype(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str = "") -> bool:
    """True when the part's prolog has a DOCTYPE (entities can only be declared there).

    expat reads the prolog only: we stop at the root element, so nothing is expanded and a
    large part costs one chunk. Office never writes a DOCTYPE into an .xlsx part.
    """
    p = xml.parsers.expat.ParserCreate()

    def doctype(*_):
        raise _Stop(True)

    def element(*_):
        raise _Stop(False)

    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = doctype
    p.StartElementHandler = element
    try:
        with z.open(info) as f:
            while chunk := f.read(65536):
                p.Parse(chunk, False)
            p.Parse(b"", True)
    except _Stop as s:
        return bool(s.args[0])
    except xml.parsers.expat.ExpatError:
        return False    # not well-formed: the reader reports it as a damaged workbook
    except (ValueError, LookupError):    # "multi-byte encodings are not supported" (GBK, Shift_JIS …)
        raise InputError(f"{name}: the workbook is damaged (part {info.filename} declares a text encoding "
                         f"other than UTF-8); open it in Excel and save it again",
                         zh=f"{name}：工作簿已损坏（部件 {info.filename} 声明了 UTF-8 以外的文本编码）；"
                            f"请在 Excel 中打开并重新保存") from None
    return False


def _looks_text(head: bytes) -> bool:
    """No control bytes other than tab/CR/LF: text (UTF-8, GBK …), e.g. a CSV saved as .xlsx."""
    return not any(b < 9 or 13 < b < 32 for b in head)
