"""Read one CSV file (a ticketing system's export, or a table saved from Excel as CSV) into raw cells.

A CSV holds one table: a header row and data rows, every cell text. What this module decides
(docs/DEFINITIONS.md §18):

- **Encoding**: ``--encoding NAME`` (gbk, utf-8, cp1252, latin-1 … any Python codec) decides alone, and
  the audit sheet says so (``CP1252 (--encoding)``). Otherwise a byte-order mark decides (UTF-8 with BOM,
  UTF-16 LE/BE as Excel's "Unicode text"); otherwise strict UTF-8 is tried first, then GB18030 (which
  contains GBK and GB2312, what Chinese Excel saves by default). Western text (Windows-1252/Latin-1)
  often decodes as GB18030 too, into rare hanzi, so a GB18030 reading is only accepted when it looks
  like Chinese (`plausibly_chinese`: at least 4 non-ASCII characters, at most 10% of them rare
  hanzi of GBK's extension areas, which is what "Müller" becomes); otherwise
  one line names the file and asks for ``--encoding``. The encoding reported is ``UTF-8``, ``UTF-8-BOM``,
  ``UTF-16``, ``GBK`` (the text decodes as GBK) or ``GB18030`` (it needs GB18030's four-byte characters).
  Bytes that are valid in none of them are one error naming the file and the line.
- **Delimiter**: a first line ``sep=;`` (Excel's own hint) decides; otherwise the one of comma,
  semicolon and tab that occurs most often in the header line outside quotes (comma on a tie).
- **Rows**: the row numbers are those Excel shows when it opens the file (header = row 1).
- **Safety**: the file is opened read-only and never written; an empty file, a file over
  ``MAX_BYTES``, an Excel workbook or an old .xls saved under a .csv name, and binary data are one
  clear line each.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .tables import InputError

MAX_BYTES = 512 * 1024**2       # 512 MiB of text per CSV file
SAMPLE_CHARS = 1 << 20          # the characters the GBK plausibility check reads (an export is uniform)
MIN_CHINESE_CHARS = 4           # fewer non-ASCII characters cannot tell Chinese from Western text
RARE_SHARE = 0.1                # of the non-ASCII characters, at most this share GBK-extension hanzi
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_DELIM_ZH = {",": "逗号", ";": "分号", "\t": "制表符"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class CsvTable:
    """The raw cells of one CSV file and how they were read."""
    path: Path
    header: list
    rows: pd.DataFrame          # object dtype, columns 0..n-1, every cell a str ('' when empty)
    encoding: str               # UTF-8 | UTF-8-BOM | UTF-16 | GBK | GB18030
    delimiter: str              # , ; or tab
    sha256: str

    @property
    def delimiter_name(self) -> str:
        return DELIMITERS.get(self.delimiter, self.delimiter)


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _err(en: str, zh: str) -> InputError:
    return InputError(en, zh=zh)


def codec_of(encoding: str) -> tuple[str, str]:
    """(Python codec name, the name the audit sheet shows) of an `--encoding` value; InputError if unknown."""
    try:
        info = codecs.lookup(str(encoding).strip())
    except LookupError:
        raise _err(f"--encoding {encoding}: not an encoding this program knows; use e.g. gbk, gb18030, utf-8, "
                   f"cp1252 (Western Windows) or latin-1",
                   f"--encoding {encoding}：无法识别的编码；请使用 gbk、gb18030、utf-8、cp1252（西欧 Windows）"
                   f"或 latin-1 等") from None
    if info.name in ("utf-8", "utf-8-sig"):
        return "utf-8-sig", "UTF-8"                      # a byte-order mark is skipped either way
    return info.name, info.name.upper()


def _given(data: bytes, name: str, encoding: str) -> tuple[str, str]:
    codec, label = codec_of(encoding)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as e:
        line = _line_of(data, e.start)
        raise _err(f"{name}: line {line} holds bytes that are not {label} (--encoding {encoding}); check the "
                   f"encoding the file was saved in, or save it from Excel as 'CSV UTF-8'",
                   f"{name}：第 {line} 行有不属于 {label} 编码的字节（--encoding {encoding}）；请确认文件的保存编码，"
                   f"或在 Excel 中另存为“CSV UTF-8”") from None
    return text, f"{label} (--encoding)"


def plausibly_chinese(text: str) -> tuple[bool, int, int]:
    """(plausible, non-ASCII characters, of which rare) of text decoded as GBK/GB18030, judged on its first
    SAMPLE_CHARS characters. Western text (Windows-1252, Latin-1) decoded as GBK turns into rare hanzi: an
    accented letter and the ASCII letter after it make one two-byte character of GBK's extension areas
    (in GBK but not in GB2312, e.g. "Müller" -> "M黮ler"). Chinese text is almost all GB2312 (the 6,763
    common hanzi, full-width punctuation, symbols) or, for rare names, GB18030's four-byte characters.
    Plausible when at least MIN_CHINESE_CHARS non-ASCII characters are there and at most RARE_SHARE of
    them are GBK-extension characters; fewer cannot be told apart from Western text (the caller asks for
    --encoding)."""
    seen = Counter(re.findall(r"[^\x00-\x7f]", text[:SAMPLE_CHARS]))
    n = sum(seen.values())
    rare = 0
    for ch, k in seen.items():          # (distinct characters only: at most a few thousand)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            try:
                ch.encode("gbk")
                rare += k               # a two-byte GBK character outside GB2312
            except UnicodeEncodeError:
                pass                    # GB18030 four-byte (rare hanzi, CJK extensions): not Western text
    return n >= MIN_CHINESE_CHARS and rare <= RARE_SHARE * n, n, rare


def decode(data: bytes, name: str = "file", encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding name) of the bytes of a CSV file; InputError naming the line of bad bytes, or asking
    for `--encoding` when the bytes are not UTF-8 and do not read as plausible Chinese. `encoding` (the
    --encoding option) decides alone when given."""
    if encoding:
        return _given(data, name, encoding)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8-BOM"
        except UnicodeDecodeError as e:
            line = _line_of(data, e.start + 3)
            raise _err(f"{name}: line {line} holds bytes that are not UTF-8 although the file starts as UTF-8; "
                       f"save it again as 'CSV UTF-8'",
                       f"{name}：文件以 UTF-8 标记开头，但第 {line} 行有不是 UTF-8 的字节；请重新另存为“CSV UTF-8”") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise _err(f"{name}: the UTF-16 text is damaged near byte {e.start}; save it again as 'CSV UTF-8'",
                       f"{name}：UTF-16 文本在第 {e.start} 个字节附近损坏；请重新另存为“CSV UTF-8”") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as e8:
        utf8_bad = e8.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as eg:
        # the encoding that reads furthest is the one the file was meant to be in: name its first bad line
        pos, enc = (utf8_bad, "UTF-8") if utf8_bad >= eg.start else (eg.start, "GBK/GB18030")
        line = _line_of(data, pos)
        raise _err(f"{name}: line {line} holds bytes that are neither UTF-8 nor GBK/GB18030 (the file reads as "
                   f"{enc} up to there); open it in Excel and save it as 'CSV UTF-8', or give its encoding, e.g. "
                   f"--encoding cp1252 for a Western-European Windows export",
                   f"{name}：第 {line} 行有既不是 UTF-8 也不是 GBK/GB18030 的字节（到此为止按 {enc} 可读）；"
                   f"请在 Excel 中打开并另存为“CSV UTF-8”，或指定编码，例如西欧 Windows 导出的文件用 "
                   f"--encoding cp1252") from None
    ok, n, rare = plausibly_chinese(text)
    if not ok:
        why_en = (f"only {n} non-ASCII {'character' if n == 1 else 'characters'}, too few to tell"
                  if n < MIN_CHINESE_CHARS else f"{rare} of its {n} non-ASCII characters would be rare hanzi")
        why_zh = (f"只有 {n} 个非 ASCII 字符，无法判断" if n < MIN_CHINESE_CHARS
                  else f"{n} 个非 ASCII 字符中有 {rare} 个会是生僻字")
        raise _err(f"{name}: is not UTF-8, and read as GBK it does not look like Chinese text ({why_en}); "
                   f"give its encoding: --encoding gbk (Chinese Excel), --encoding cp1252 (Western Windows), "
                   f"or save it from Excel as 'CSV UTF-8'",
                   f"{name}：不是 UTF-8，按 GBK 读出的内容也不像中文（{why_zh}）；请指定编码："
                   f"--encoding gbk（中文 Excel）或 --encoding cp1252（西欧 Windows），或在 Excel 中另存为“CSV UTF-8”")
    try:
        data.decode("gbk")
        return text, "GBK"
    except UnicodeDecodeError:
        return text, "GB18030"


def _for_parser(data: bytes, label: str, given: str | None):
    """(bytes, codec) for the CSV parser, from the encoding `decode` found: the parser decodes the bytes
    itself, so the whole text is never held twice (a Python str and the parser's copy)."""
    if given:
        return data, codec_of(given)[0]
    if label == "UTF-8-BOM":
        return data, "utf-8-sig"                 # (BytesIO shares a bytes object's buffer: no copy)
    return data, {"UTF-8": "utf-8", "UTF-16": "utf-16", "GBK": "gb18030", "GB18030": "gb18030"}[label]


def sniff(text: str) -> tuple[str, int]:
    """(delimiter, number of lines to skip) from the start of the text."""
    first, _, _ = text[:65536].partition("\n")
    first = first.rstrip("\r")
    if first.lower().startswith("sep=") and len(first) == 5 and first[4] in DELIMITERS:
        return first[4], 1
    counts, quoted = dict.fromkeys(DELIMITERS, 0), False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts.values())
    return (next(d for d in DELIMITERS if counts[d] == best) if best else ","), 0


def check_csv_file(path: Path) -> bytes:
    """The bytes of a CSV file, or InputError with one readable line when it cannot be one."""
    name = path.name
    if not path.exists():
        raise InputError.not_found(path)
    if path.is_dir():
        raise _err(f"{path}: is a folder, not a CSV file", f"{path}：是文件夹，不是 CSV 文件")
    size = path.stat().st_size
    if size == 0:
        raise _err(f"{name}: the file is empty (0 bytes); export it again", f"{name}：文件是空的（0 字节）；请重新导出")
    if size > MAX_BYTES:
        mib, cap = f"{size / 1024**2:,.0f}", MAX_BYTES // 1024**2
        raise _err(f"{name}: refused: {mib} MiB is more than the {cap} MiB a CSV file may hold; export a shorter "
                   f"period", f"{name}：拒绝读取：{mib} MiB 超过单个 CSV 文件上限 {cap} MiB；请导出较短的期间")
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"PK\x03\x04"):
        raise _err(f"{name}: is an Excel workbook (.xlsx) with a .csv name; rename it to .xlsx, or save it "
                   f"from Excel as 'CSV UTF-8'",
                   f"{name}：是扩展名为 .csv 的 Excel 工作簿（.xlsx）；请改名为 .xlsx，或在 Excel 中另存为“CSV UTF-8”")
    if data.startswith(_OLE2):
        raise _err(f"{name}: is an old Excel .xls (or password-protected) file with a .csv name; open it in "
                   f"Excel and save it as 'CSV UTF-8' or .xlsx",
                   f"{name}：是扩展名为 .csv 的旧版 Excel .xls 文件（或有密码保护）；请在 Excel 中打开，另存为“CSV UTF-8”"
                   f"或 .xlsx")
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:65536]:
        raise _err(f"{name}: is not a text file (it holds binary data); export the table as CSV",
                   f"{name}：不是文本文件（含二进制数据）；请把表格导出为 CSV")
    return data


def read_csv(path, encoding: str | None = None) -> CsvTable:
    """The header and data rows of a CSV file (never modified), with its encoding and delimiter.
    `encoding`: the --encoding option (None: detected, see `decode`)."""
    import hashlib
    path = Path(path)
    data = check_csv_file(path)
    given = encoding
    text, encoding = decode(data, path.name, given)
    if text.isspace() or not text:                   # (no copy of the text, unlike strip())
        raise _err(f"{path.name}: holds no rows (only blank lines); export the table again",
                   f"{path.name}：没有数据行（只有空行）；请重新导出该表")
    delim, skip = sniff(text)
    del text                 # the decoded text was the check; the parser reads the bytes (memory: README)
    body, codec = _for_parser(data, encoding, given)
    try:
        raw = pd.read_csv(io.BytesIO(body), encoding=codec, sep=delim, header=None, dtype=str,
                          keep_default_na=False, na_filter=False, skip_blank_lines=False, skiprows=skip,
                          engine="c", quotechar='"', doublequote=True)
    except pd.errors.ParserError as e:
        import re
        m = re.search(r"line (\d+), saw (\d+)", str(e))
        detail = " ".join(str(e).split())[:120]
        where = f"line {int(m.group(1)) + skip} has {m.group(2)} cells, more than the header row's" if m else detail
        where_zh = f"第 {int(m.group(1)) + skip} 行有 {m.group(2)} 个单元格，多于表头行" if m else detail
        raise _err(f"{path.name}: cannot be read as CSV ({where}); check the quotes and "
                   f"{DELIMITERS[delim]}s in that line",
                   f"{path.name}：无法按 CSV 读取（{where_zh}）；请检查该行的引号和{_DELIM_ZH[delim]}") from None
    except pd.errors.EmptyDataError:
        raise _err(f"{path.name}: holds no rows; export the table again",
                   f"{path.name}：没有数据行；请重新导出该表") from None
    except (ValueError, OverflowError, IndexError) as e:   # anything else the CSV parser refuses: one line
        detail = " ".join(str(e).split())[:120]
        raise _err(f"{path.name}: cannot be read as CSV ({detail}); export the table again",
                   f"{path.name}：无法按 CSV 读取（{detail}）；请重新导出该表") from None
    raw = raw.astype(object)           # (pandas 3: a lazy copy, Copy-on-Write)
    header = ["" if h is None else str(h) for h in raw.iloc[0].tolist()] if len(raw) else []
    rows = raw.iloc[1:].reset_index(drop=True)
    rows.columns = range(rows.shape[1])
    return CsvTable(path, header, rows, encoding, delim, hashlib.sha256(data).hexdigest())
