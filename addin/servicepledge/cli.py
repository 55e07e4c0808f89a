"""`servicepledge` command line: the report (any period) and the fund disclosure without Excel.

Errors are one readable line on stderr and exit code 2 (bad input) — never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .cli_text import TEXT, say

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
    from .outputs.outfile import claim, report_name
    from .outputs.output import report_target, to_json, write_report
    from .inputs.parquet import is_parquet, read_parquet   # a .parquet file or a folder of them (issue 12)
    from .inputs.sources import read_inputs                 # a workbook, CSV files or a folder of CSVs (issue 11)

    paths = [Path(f) for f in a.file] if a.file else [sample_path()]
    path = paths[0]
    lang = a.ui_lang
    stages = _Stages(["read", "compute", "write"], show=not a.json)
    try:
        stages.step(say("reading", lang, name=path.name))
        if len(paths) == 1 and is_parquet(path):
            wb = _read(read_parquet, path, stages.each, lang)
        else:
            wb = _read(lambda p, progress: read_inputs(paths, table=a.table, map_file=a.map, preset=a.preset,
                                                       progress=progress, encoding=a.encoding), path, stages.each, lang)
            path = Path(wb.path or path)
        r = _computed(a, wb, path, stages, "computing")
        if a.json:
            _say(to_json(r.doc))
            return 0
        stages.step(say("writing", r.lang))
        out = a.output or Path.cwd() / report_name(r.period)  # as typed: "dir/" is a folder
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
        _say(say("pdf_written", r.lang, path=pdf))
    return 0


def _computed(a, wb, path: Path, stages, step: str):
    """The report of what was read, in the language the user reads: the Terms' `lang` is known only now, and
    follows --lang only (report and disclosure alike)."""
    from .core.language import choose
    from .report import compute, terms_from_tables
    terms = terms_from_tables(wb.tables.get("Terms"), wb.tables.get("Holidays"))
    lang = a.ui_lang = choose(a.lang, terms)
    stages.step(say(step, lang))
    return compute(wb.tables, wb.issues, period=a.period, as_of=a.as_of, lang=lang, terms=terms,
                   date1904=wb.date1904, source={"path": str(path), "sha256": wb.sha256, "inputs": list(wb.inputs)})


def _read(read_workbook, path: Path, progress, lang: str = "en"):
    """read_workbook, with whatever else stops the reading (a library's error or panic, broken bytes,
    memory) turned into one line naming the file (oneline.read_failure), exit 2."""
    from .outputs.oneline import damaged, describe, read_failure
    from .inputs.tables import InputError
    try:
        return read_workbook(path, progress=lambda items, desc="": progress(items, say("reading_table", lang)))
    except InputError as e:
        line = damaged(path.name, e)
        if line is None:
            raise
        raise InputError(line, zh=damaged(path.name, e, "zh")) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit, PermissionError):
        raise
    except OSError as e:            # the file itself cannot be opened (not its contents)
        why = e.strerror or describe(e)
        raise InputError(say("cannot_open", "en", path=path, why=why),
                         zh=say("cannot_open", "zh", path=path, why=why)) from None
    except BaseException as e:      # BaseException: python-calamine's PanicException is not an Exception
        raise InputError(read_failure(path.name, e), zh=read_failure(path.name, e, "zh")) from None


def _pct(x, why=None, lang="en"):
    return say("unavailable", lang, why=why) if why else "—" if x is None else f"{x:.1%}"


def _money(x, lang="en"):
    """¥1,234.50, or 'unavailable' when a missing column makes the total unknowable (see the warnings)."""
    return say("unavailable_money", lang) if x is None else f"¥{x:,.2f}"


def _summary(r, written: Path) -> None:
    """The headline figures in the report's language, one per line, labels padded to one column."""
    d, lang = r.doc, r.lang
    tu, br, fu = d["turnover"], d["breaches"], d["followup"]
    rs, ini = d["response"], d["initial_solution"]
    pct = lambda x, why=None: _pct(x, why, lang)  # noqa: E731
    sep = "，" if lang == "zh" else " "
    rows = [
        (say("response", lang), pct(rs["compliance"], rs.get("unavailable"))
         + ("" if rs.get("unavailable") else (" " if lang == "en" else "")
            + say("response_counts", lang, met=rs["met"], breached=rs["breached"], pending=rs["pending"],
                  at_risk=rs["at_risk"]))),
        (say("initial_solution", lang), pct(ini["compliance"], ini.get("unavailable"))),
        (say("complaints", lang), " / ".join(pct(d["complaints"][m]["compliance"],
                                                 d["complaints"][m].get("unavailable"))
                                             for m in ("accept", "progress", "final"))),
        (say("turnover", lang, n=tu["rolling_months"]), pct(tu["rolling_rate"], tu.get("unavailable"))
         + ("" if lang == "zh" else " ") + say("threshold", lang, v=pct(tu["threshold"]))
         + (sep + say("exceeded", lang) if tu["exceeded"] else "")),
        (say("followup", lang), pct(fu["rate"], fu.get("unavailable")) + ("" if lang == "zh" else " ")
         + say("target", lang, v=pct(fu["target"]))),
        (say("breaches", lang), say("breach_counts", lang, minor=br["minor"], major=br["major"],
                                    overdue=br["overdue"], fee=_money(br["fee_reduction_total"], lang),
                                    comp=_money(br["compensation_total"], lang))),
        (say("data_issues", lang), str(len(d["data_issues"]))),
    ]
    width = max(_width(k) for k, _ in rows) + 2
    lines = [say("head", lang, version=d["version"], period=d["period"], as_of=d["as_of"]),
             *(f"  {k}{' ' * (width - _width(k))}{v}" for k, v in rows),
             *(say("warning", lang, m=w["message"]) for w in d.get("warnings", [])),
             say("written", lang, path=written)]
    _say("\n".join(lines))


def cmd_disclosure(a) -> int:
    """The fund disclosure alone, print-ready (A4, fit to width, header rows repeated), and with --pdf its PDF."""
    from .inputs.reader import read_workbook
    from .outputs import sheets, xlsx
    from .outputs.labels import t
    from .outputs.outfile import claim, period_stem, xlsx_target

    path = Path(a.file) if a.file else sample_path()
    lang = a.ui_lang
    stages = _Stages(["read", "compute", "write"], show=True)
    try:
        stages.step(say("reading", lang, name=path.name))
        wb = _read(read_workbook, path, stages.each, lang)
        r = _computed(a, wb, path, stages, "d_computing")
        stages.step(say("d_writing", r.lang))
        name = f"servicepledge-disclosure-{period_stem(r.period)}.xlsx"
        out = xlsx_target(a.output or Path.cwd() / name, name, r.lang)
        out = claim(out, force=a.force, lang=r.lang, inputs=[path])
        pdf = claim(out.with_suffix(".pdf"), force=a.force, lang=r.lang, inputs=[path, out]) if a.pdf else None
        model = sheets.fund(r, mask=not a.no_mask)
        model.page_label = t("page_of", r.lang)
        written = xlsx.save_atomic(xlsx.new_workbook([model]), out, r.lang, inputs=[path])
    finally:
        stages.close()
    fd, d, lang = r.doc["fund"], r.doc, r.lang
    rec = fd["reconciliation"]["period"]
    money = lambda x: _money(x, lang)  # noqa: E731
    unap = (say("unavailable_money", lang) if fd["unapproved_count"] is None else
            say("d_unapproved_counts", lang, n=fd["unapproved_count"], amount=money(fd["unapproved_amount"]),
                n_ytd=fd["unapproved_count_ytd"], amount_ytd=money(fd["unapproved_amount_ytd"])))
    _say("\n".join([
        say("d_head", lang, version=d["version"], period=r.period.label_zh if lang == "zh" else r.period.label,
            as_of=d["as_of"]),
        "  " + say("d_spent", lang, spent=money(fd["spent_period_total"]), ytd=money(fd["spent_ytd_total"]),
                   start=fd["ytd_from"]),
        "  " + say("d_unapproved", lang, what=unap),
        "  " + say("d_reconciliation", lang, ledger=money(rec["ledger_total"]), cats=money(rec["category_total"]),
                   diff=money(rec["difference"])),
        *(say("warning", lang, m=w["message"]) for w in d.get("warnings", [])
          if w.get("table") in ("FundLedger", "FundBudget")),
        say("d_written", lang, path=written),
    ]))
    if a.pdf:
        from .outputs.pdf import export_pdf
        pdf = export_pdf(written, pdf, lang=r.lang, force=a.force, inputs=[path])
        _say(say("pdf_written", lang, path=pdf))
    return 0


def _width(text: str) -> int:
    """Columns a terminal gives `text` (a CJK character takes two)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cmd_template(a) -> int:
    from .template import write_template
    out = write_template(a.output, lang=a.lang or a.ui_lang, with_sample=a.with_sample, force=a.force)
    _say(say("template_written", a.ui_lang, path=out))
    return 0


def _formatter(lang: str):
    """argparse's help layout with its own words ('usage:', group titles) in `lang`."""
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            return super().add_usage(usage, actions, groups, say("usage", lang) if prefix is None else prefix)
    return Formatter


def _parser_class(lang: str):
    """ArgumentParser whose own parse errors ('unrecognized arguments', 'invalid choice', 'the following
    arguments are required') are said in `lang`; its sub-commands' parsers are of the same class."""
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            from .cli_text import argparse_error
            self.print_usage(sys.stderr)
            self.exit(2, say("error", lang, prog=self.prog, message=argparse_error(message, lang)) + "\n")
    return Parser


def _localize(p: argparse.ArgumentParser, lang: str) -> argparse.ArgumentParser:
    """-h/--help and the group titles in `lang` (argparse's own are English)."""
    p._positionals.title = say("positional", lang)
    p._optionals.title = say("options", lang)
    p.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=say("help", lang))
    return p


def _outputs(cmd: argparse.ArgumentParser, h, own: str, json: bool = False) -> None:
    """The options `report` and `disclosure` share (`own`: the prefix of a command's own help texts)."""
    said = lambda key: h(own + key) if own and own + key in TEXT else h(key)  # noqa: E731
    cmd.add_argument("--period", help=h("period"))
    cmd.add_argument("--as-of", dest="as_of", help=h("as_of"))
    if json:
        cmd.add_argument("--json", action="store_true", help=h("json"))
    cmd.add_argument("-o", "--output", help=said("output"))
    cmd.add_argument("--lang", choices=["zh", "en"], help=h("lang"))
    cmd.add_argument("--force", action="store_true", help=h("force"))
    cmd.add_argument("--no-mask", dest="no_mask", action="store_true", help=said("no_mask"))
    cmd.add_argument("--pdf", action="store_true", help=said("pdf"))


def parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser, every help text in `lang` (default: the language the user reads)."""
    if lang is None:
        from .core.language import choose
        lang = choose()
    kw = dict(formatter_class=_formatter(lang), add_help=False)
    h = lambda key: say(key, lang)  # noqa: E731
    p = _localize(_parser_class(lang)(prog="servicepledge", description=h("description"), **kw), lang)
    p.add_argument("--version", action="version", version=f"servicepledge {__version__}", help=h("version"))
    sub = p.add_subparsers(dest="cmd", required=True, title=h("commands"))
    r = _localize(sub.add_parser("report", help=h("report"), description=h("report"), **kw), lang)
    r.add_argument("file", nargs="*", help=h("file"))
    r.add_argument("--table", help=h("table"))
    r.add_argument("--map", metavar="FILE.toml", help=h("map"))
    r.add_argument("--preset", help=h("preset"))
    r.add_argument("--encoding", help=h("encoding"))
    _outputs(r, h, "", json=True)
    r.set_defaults(fn=cmd_report)
    d = _localize(sub.add_parser("disclosure", help=h("disclosure"), description=h("disclosure"), **kw), lang)
    d.add_argument("file", nargs="?", help=h("d_file"))
    _outputs(d, h, "d_")
    d.set_defaults(fn=cmd_disclosure)
    t = _localize(sub.add_parser("template", help=h("template"), description=h("template"), **kw), lang)
    t.add_argument("-o", "--output", default="servicepledge-template.xlsx", help=h("t_output"))
    t.add_argument("--with-sample", dest="with_sample", action="store_true", help=h("with_sample"))
    t.add_argument("--lang", choices=["zh", "en"], help=h("t_lang"))
    t.add_argument("--force", action="store_true", help=h("t_force"))
    t.set_defaults(fn=cmd_template)
    from .server.serve import add_parser as _serve_parser      # `servicepledge serve` (xlwings Server)
    _serve_parser(sub, lang, _localize, **kw)
    sub.metavar = "{" + ",".join(sub.choices) + "}"   # errors name the commands, not 'cmd' (usage unchanged)
    return p


def main(argv=None) -> int:
    from .core.language import choose, flag_in
    args = sys.argv[1:] if argv is None else list(argv)
    ui = choose(flag_in(args))          # before the parser: --help is already in the user's language
    a = parser(ui).parse_args(args)     # first: --help and --version need no pandas
    a.ui_lang = ui                      # the report's language replaces it once the Terms are read
    from .core.language import say as said
    from .outputs.oneline import describe, one_line
    from .outputs.outfile import Interrupted
    from .inputs.tables import InputError
    from .core.terms import TermsError
    try:
        return a.fn(a)
    except (InputError, TermsError) as e:
        _err(one_line(said(e, a.ui_lang)))
        return EXIT_INPUT
    except BrokenPipeError:     # a stdout write outside _say: the work may be unfinished, say so by the code
        _stdout_to_devnull()
        return 141
    except PermissionError as e:   # outputs raise outfile.WriteError; this is an input or a helper file
        _err(say("permission", a.ui_lang, path=e.filename))
        return EXIT_INPUT
    except Interrupted as e:       # SIGTERM/SIGHUP/Ctrl-C during a write: the temporary file is gone
        _err(str(e))
        return e.code
    except KeyboardInterrupt:
        _err(say("interrupted", a.ui_lang))
        return 130
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # last resort (BaseException: a library's panic too): still one line
        _err(say("unexpected", a.ui_lang, what=describe(e)))
        return 1


def _err(line: str) -> None:
    print(f"servicepledge: {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
