"""Any failure as one line: what the command line prints when something stops it.

Messages of other libraries (openpyxl, zipfile, zlib, expat, python-calamine, matplotlib) can span
several lines, quote XML or run on for a screen; the user sees them collapsed to one line and cut to
a readable length, inside a sentence of ours that names the file and what to do:

    x.xlsx: the workbook is damaged (Error -3 while decompressing data: invalid distance too far back);
    open it in Excel and save it again, or ask the sender for a new copy
"""
from __future__ import annotations

import zipfile

DETAIL = 160      # characters of a library's own words kept in a message
_FIX = "open it in Excel and save it again, or ask the sender for a new copy"
_FIX_ZH = "请在 Excel 中打开并重新保存，或请发送方重新提供一份"


def one_line(text, limit: int | None = None) -> str:
    """`text` with every run of whitespace (newlines, tabs) made one space; cut to `limit` with '…'."""
    s = " ".join(str(text).split())
    if limit and len(s) > limit:
        s = s[:limit - 1].rstrip() + "…"
    return s


def _chain(e: BaseException):
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__


def _damage(e: BaseException) -> BaseException | None:
    """The exception in `e`'s chain that says the file's bytes are broken, if any: a zip or deflate
    error, XML that does not parse (including a part declaring a multi-byte encoding expat refuses)."""
    import zlib
    from xml.parsers.expat import ExpatError
    for x in _chain(e):
        if isinstance(x, (zlib.error, zipfile.BadZipFile, ExpatError, EOFError)):
            return x
        if isinstance(x, ValueError) and "multi-byte encodings" in str(x):
            return x
        if type(x).__name__ in ("XMLSyntaxError", "ParseError"):      # lxml / ElementTree
            return x
    return None


def describe(e: BaseException) -> str:
    """'Type: words' of a library exception, one line, cut to DETAIL characters."""
    words = one_line(e)
    return one_line(f"{type(e).__name__}: {words}" if words else type(e).__name__, DETAIL)


def damaged(name, e: BaseException, lang: str = "en") -> str | None:
    """The line for a workbook whose bytes are broken, or None when `e` is not about broken bytes.
    `lang` zh: our words in Chinese (the library's own words in the brackets stay as it said them)."""
    x = _damage(e)
    if x is None:
        return None
    import zlib
    zh = lang == "zh"
    if isinstance(x, ValueError):
        what = ("某个 XML 部件声明了 GBK 等多字节编码；Excel 写出的是 UTF-8" if zh else
                "an XML part declares a multi-byte encoding such as GBK; Excel writes UTF-8")
    elif zh and isinstance(x, (zipfile.BadZipFile, EOFError)):
        what = "压缩包不完整或不是 zip 格式，可能下载或复制时中断"
    elif isinstance(x, zlib.error):
        what = ("压缩数据已损坏：" if zh else "compressed data is corrupt: ") + one_line(x, DETAIL)
    else:
        what = one_line(x, DETAIL) or type(x).__name__
    return f"{name}：工作簿已损坏（{what}）；{_FIX_ZH}" if zh else f"{name}: the workbook is damaged ({what}); {_FIX}"


def read_failure(name, e: BaseException, lang: str = "en") -> str:
    """The line for anything other than our own InputError that stops a workbook being read (exit 2:
    the input caused it): broken bytes, a reader that panicked, memory that ran out."""
    line = damaged(name, e, lang)
    if line:
        return line
    zh = lang == "zh"
    if isinstance(e, MemoryError):
        if zh:
            return (f"{name}：读取它所需的内存超出可用内存；其中可能有远离表格的单元格："
                    f"请删除数据之后的空行和空列，保存后重新运行")
        return (f"{name}: reading it needs more memory than is available; it may hold cells far outside "
                f"its tables: delete the empty rows and columns after the data, save it and run again")
    if zh:
        return f"{name}：无法作为 Excel 工作簿读取（{describe(e)}）；{_FIX_ZH}"
    return f"{name}: cannot be read as an Excel workbook ({describe(e)}); {_FIX}"
