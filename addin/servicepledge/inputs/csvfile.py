"""Read one CSV file (a ticketing system's export, or a table saved from Excel as CSV) into raw cells.

A CSV holds one table: a header row and data rows, every cell text. What this module decides
(docs/DEFINITIONS.md §18):

- **Encoding**: a byte-order mark decides (UTF-8 with BOM, UTF-16 LE/BE as Excel's "Unicode text");
  otherwise strict UTF-8 is tried first, then GB18030 (which contains GBK and GB2312, what Chinese
  Excel saves by default). The encoding reported is ``UTF-8``, ``UTF-8-BOM``, ``UTF-16``, ``GBK``
  (the text decodes as GBK) or ``GB18030`` (it needs GB18030's four-byte characters). Bytes that are
  valid in none of them are one error naming the file and the line.
- **Delimiter**: a first line ``sep=;`` (Excel's own hint) decides; otherwise the one of comma,
  semicolon and tab that occurs most often in the header line outside quotes (comma on a tie).
- **Rows**: the row numbers are those Excel shows when it opens the file (header = row 1).
- **Safety**: the file is opened read-only and never written; an empty file, a file over
  ``MAX_BYTES``, an Excel workbook or an old .xls saved under a .csv name, and binary data are one
  clear line each.
"""
from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .tables import InputError

MAX_BYTES = 512 * 1024**2       # 512 MiB of text per CSV file
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
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


def decode(data: bytes, name: str = "file") -> tuple[str, str]:
    """(text, encoding name) of the bytes of a CSV file; InputError naming the line of bad bytes."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "UTF-8-BOM"
        except UnicodeDecodeError as e:
            raise InputError(f"{name}: line {_line_of(data, e.start + 3)} holds bytes that are not UTF-8 although "
                             f"the file starts as UTF-8; save it again as 'CSV UTF-8'") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise InputError(f"{name}: the UTF-16 text is damaged near byte {e.start}; save it again as "
                             f"'CSV UTF-8'") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as e8:
        utf8_bad = e8.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as eg:
        # the encoding that reads furthest is the one the file was meant to be in: name its first bad line
        pos, enc = (utf8_bad, "UTF-8") if utf8_bad >= eg.start else (eg.start, "GBK/GB18030")
        raise InputError(f"{name}: line {_line_of(data, pos)} holds bytes that are neither UTF-8 nor GBK/GB18030 "
                         f"(the file reads as {enc} up to there); open it in Excel and save it as "
                         f"'CSV UTF-8', or ask the sender for a new export") from None
    try:
        data.decode("gbk")
        return text, "GBK"
    except UnicodeDecodeError:
        return text, "GB18030"


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
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a CSV file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name}: the file is empty (0 bytes); export it again")
    if size > MAX_BYTES:
        raise InputError(f"{name}: refused: {size / 1024**2:,.0f} MiB is more than the {MAX_BYTES // 1024**2} MiB "
                         f"a CSV file may hold; export a shorter period")
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"PK\x03\x04"):
        raise InputError(f"{name}: is an Excel workbook (.xlsx) with a .csv name; rename it to .xlsx, or save it "
                         f"from Excel as 'CSV UTF-8'")
    if data.startswith(_OLE2):
        raise InputError(f"{name}: is an old Excel .xls (or password-protected) file with a .csv name; open it in "
                         f"Excel and save it as 'CSV UTF-8' or .xlsx")
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:65536]:
        raise InputError(f"{name}: is not a text file (it holds binary data); export the table as CSV")
    return data


def read_csv(path) -> CsvTable:
    """The header and data rows of a CSV file (never modified), with its encoding and delimiter."""
    import hashlib
    path = Path(path)
    data = check_csv_file(path)
    text, encoding = decode(data, path.name)
    if not text.strip():
        raise InputError(f"{path.name}: holds no rows (only blank lines); export the table again")
    delim, skip = sniff(text)
    try:
        raw = pd.read_csv(io.StringIO(text), sep=delim, header=None, dtype=str, keep_default_na=False,
                          na_filter=False, skip_blank_lines=False, skiprows=skip, engine="c",
                          quotechar='"', doublequote=True)
    except pd.errors.ParserError as e:
        import re
        m = re.search(r"line (\d+), saw (\d+)", str(e))
        where = f"line {int(m.group(1)) + skip} has {m.group(2)} cells, more than the header row's" if m \
            else " ".join(str(e).split())[:120]
        raise InputError(f"{path.name}: cannot be read as CSV ({where}); check the quotes and "
                         f"{DELIMITERS[delim]}s in that line") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name}: holds no rows; export the table again") from None
    except (ValueError, OverflowError, IndexError) as e:   # anything else the CSV parser refuses: one line
        raise InputError(f"{path.name}: cannot be read as CSV ({' '.join(str(e).split())[:120]}); "
                         f"export the table again") from None
    raw = raw.astype(object)
    header = ["" if h is None else str(h) for h in raw.iloc[0].tolist()] if len(raw) else []
    rows = raw.iloc[1:].reset_index(drop=True)
    rows.columns = range(rows.shape[1])
    return CsvTable(path, header, rows, encoding, delim, hashlib.sha256(data).hexdigest())
