"""`servicepledge` command line: the monthly report without Excel.

Errors are one readable line on stderr and exit code 2 (bad input) — never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__

EXIT_INPUT = 2


def _say(text: str) -> None:
    """Print to stdout; a reader that stopped reading (`| head -1`) is not an error.

    The rest of stdout then goes to the null device and the command goes on: the report workbook
    and the PDF are still written, and the exit code says whether *they* were (0), not whether the
    reader read every line.
    """
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_devnull()


def _stdout_to_devnull() -> None:
    """Point stdout at the null device, so Python's own flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


class _Stages:
    """Says which long step is running (read, compute, write) on one terminal line; silent in pipes."""

    def __init__(self, names: list[str], show: bool):
        self.total, self.n = len(names), 0
        self.on = show and sys.stderr.isatty()

    def step(self, desc: str) -> None:
        self.n += 1
        if self.on:
            sys.stderr.write(f"\r\x1b[K[{self.n}/{self.total}] {desc} …")
            sys.stderr.flush()

    def each(self, items, desc: str = ""):
        """Wrap the tables being read: the current one is named on the same line."""
        for x in items:
            if self.on:
                sys.stderr.write(f"\r\x1b[K[{self.n}/{self.total}] {desc} {x} …")
                sys.stderr.flush()
            yield x

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def sample_path() -> Path:
    """The bundled sample workbook (built on first use when installed without the repository)."""
    here = Path(__file__).resolve()
    repo = here.parents[2] / "samples" / "servicepledge-sample.xlsx"
    if repo.exists():
        return repo
    from .sample import build_sample
    cache = Path.home() / ".cache" / "servicepledge" / "servicepledge-sample.xlsx"
    if not cache.exists():
        build_sample(cache)
    return cache


def cmd_report(a) -> int:
    from .outputs.outfile import claim
    from .outputs.output import report_target, to_json, write_report
    from .inputs.sources import read_inputs
    from .report import compute

    paths = [Path(f) for f in a.file] if a.file else [sample_path()]
    path = paths[0]
    stages = _Stages(["read", "compute", "write"], show=not a.json)
    try:
        stages.step(f"reading {path.name}")
        wb = _read(lambda p, progress: read_inputs(paths, table=a.table, map_file=a.map, preset=a.preset,
                                                   progress=progress), path, stages.each)
        path = Path(wb.path or path)
        stages.step("computing KPIs")
        r = compute(wb.tables, wb.issues, period=a.period, as_of=a.as_of, lang=a.lang, date1904=wb.date1904,
                    source={"path": str(path), "sha256": wb.sha256, "inputs": wb.inputs})
        if a.json:
            _say(to_json(r.doc))
            return 0
        stages.step("writing the report")
        out = a.output or Path.cwd() / f"servicepledge-report-{r.period.label}.xlsx"  # as typed: "dir/" is a folder
        # every target is decided before anything is created: the PDF's problems stop the workbook too
        out = report_target(r, out, force=a.force, input_path=path)
        pdf = claim(out.with_suffix(".pdf"), force=a.force, lang=r.lang, inputs=[path, out]) if a.pdf else None
        written = write_report(r, out, mask=not a.no_mask, force=a.force, input_path=path)
    finally:
        stages.close()
    _summary(r, written)
    if a.pdf:
        from .outputs.pdf import export_pdf
        pdf = export_pdf(written, pdf, lang=r.lang, force=a.force, inputs=[path])
        _say(f"PDF: {pdf}")
    return 0


def _read(read_workbook, path: Path, progress):
    """read_workbook, with whatever else stops the reading (a library's error or panic, broken bytes,
    memory) turned into one line naming the file (oneline.read_failure), exit 2."""
    from .outputs.oneline import damaged, describe, read_failure
    from .inputs.tables import InputError
    try:
        return read_workbook(path, progress=progress)
    except InputError as e:
        line = damaged(path.name, e)
        if line is None:
            raise
        raise InputError(line) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit, PermissionError):
        raise
    except OSError as e:            # the file itself cannot be opened (not its contents)
        raise InputError(f"cannot open {path}: {e.strerror or describe(e)}") from None
    except BaseException as e:      # BaseException: python-calamine's PanicException is not an Exception
        raise InputError(read_failure(path.name, e)) from None


def _pct(x, why=None):
    return f"unavailable ({why})" if why else "—" if x is None else f"{x:.1%}"


def _money(x):
    """¥1,234.50, or 'unavailable' when a missing column makes the total unknowable (see the warnings)."""
    return "unavailable" if x is None else f"¥{x:,.2f}"


def _summary(r, written: Path) -> None:
    d = r.doc
    tu, br, fu = d["turnover"], d["breaches"], d["followup"]
    rs = d["response"]
    lines = [
        f"servicepledge {d['version']} · period {d['period']} · as of {d['as_of']}",
        f"  response compliance        {_pct(rs['compliance'], rs.get('unavailable'))}"
        + ("" if rs.get("unavailable") else f"  ({rs['met']} met, {rs['breached']} breached, {rs['pending']} pending, "
                                            f"{rs['at_risk']} at risk)"),
        f"  initial solution           {_pct(d['initial_solution']['compliance'], d['initial_solution'].get('unavailable'))}",
        "  complaints accept/progress/final  " + " / ".join(_pct(d['complaints'][m]['compliance'],
                                                              d['complaints'][m].get('unavailable'))
                                                         for m in ("accept", "progress", "final")),
        f"  turnover rolling {tu['rolling_months']}m        {_pct(tu['rolling_rate'], tu.get('unavailable'))}"
        f" (threshold {_pct(tu['threshold'])})" + ("  EXCEEDED" if tu["exceeded"] else ""),
        f"  follow-up                  {_pct(fu['rate'], fu.get('unavailable'))} (target {_pct(fu['target'])})",
        f"  breaches                   {br['minor']} minor, {br['major']} major, {br['overdue']} overdue; "
        f"fee reductions {_money(br['fee_reduction_total'])}, compensation {_money(br['compensation_total'])}",
        f"  data issues                {len(d['data_issues'])}",
        *(f"warning: {w['message']}" for w in d.get("warnings", [])),
        f"Report written to {written}",
    ]
    _say("\n".join(lines))


def cmd_template(a) -> int:
    from .template import write_template
    out = write_template(a.output, lang=a.lang or "zh", with_sample=a.with_sample, force=a.force)
    _say(f"Template written to {out}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="servicepledge", description="After-sales service commitment KPIs (服务质量承诺书)")
    p.add_argument("--version", action="version", version=f"servicepledge {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="compute the monthly report of a service workbook")
    r.add_argument("file", nargs="*", help="input workbook (.xlsx), or CSV files / a folder of CSV files "
                                           "(one table each); default: the bundled sample")
    r.add_argument("--table", help="the table a single CSV file holds (Tickets/工单, Complaints/投诉, …; "
                                   "default: from the file name or its headers)")
    r.add_argument("--map", metavar="FILE.toml", help="column and value mapping of an export (TOML)")
    r.add_argument("--preset", help="mapping of a ticketing system's standard export: servicenow, jira, "
                                    "zendesk, freshdesk")
    r.add_argument("--period", help="month YYYY-MM (default: month of the latest ticket)")
    r.add_argument("--as-of", dest="as_of", help="moment the report describes, e.g. '2026-10-31 18:00' (default: now)")
    r.add_argument("--json", action="store_true", help="print the JSON document instead of writing a workbook")
    r.add_argument("-o", "--output", help="report workbook to write (default: servicepledge-report-PERIOD.xlsx)")
    r.add_argument("--lang", choices=["zh", "en"], help="labels of the report (default: Terms 'lang', else zh)")
    r.add_argument("--force", action="store_true", help="replace an existing output file")
    r.add_argument("--no-mask", dest="no_mask", action="store_true",
                   help="show personal data (customer, phone, payee) unmasked in the shared sheets")
    r.add_argument("--pdf", action="store_true", help="also export the report as PDF (needs LibreOffice)")
    r.set_defaults(fn=cmd_report)
    t = sub.add_parser("template", help="write the input template workbook")
    t.add_argument("-o", "--output", default="servicepledge-template.xlsx")
    t.add_argument("--with-sample", dest="with_sample", action="store_true", help="fill it with the sample data")
    t.add_argument("--lang", choices=["zh", "en"])
    t.add_argument("--force", action="store_true", help="replace an existing file")
    t.set_defaults(fn=cmd_template)
    from .server.serve import add_parser as _serve_parser      # `servicepledge serve` (xlwings Server)
    _serve_parser(sub)
    return p


def main(argv=None) -> int:
    a = parser().parse_args(argv)     # first: --help and --version need no pandas
    from .outputs.oneline import describe, one_line
    from .outputs.outfile import Interrupted
    from .inputs.tables import InputError
    from .core.terms import TermsError
    try:
        return a.fn(a)
    except (InputError, TermsError) as e:
        _err(one_line(e))
        return EXIT_INPUT
    except BrokenPipeError:     # a stdout write outside _say: the work may be unfinished, say so by the code
        _stdout_to_devnull()
        return 141
    except PermissionError as e:   # outputs raise outfile.WriteError; this is an input or a helper file
        _err(f"cannot open {e.filename}: permission denied")
        return EXIT_INPUT
    except Interrupted as e:       # SIGTERM/SIGHUP/Ctrl-C during a write: the temporary file is gone
        _err(str(e))
        return e.code
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        return 130
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # last resort (BaseException: a library's panic too): still one line
        _err(f"unexpected error ({describe(e)}); please report this with the input file")
        return 1


def _err(line: str) -> None:
    print(f"servicepledge: {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
