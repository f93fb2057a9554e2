"""Exports at clinic scale, each beside its baseline, in one process (issue 10, part 2).

    .venv/bin/python bench/exports.py [--counts 1000,10000] [--formats csv,xlsx,json,fhir,pdf]
    .venv/bin/python bench/exports.py --pdf-linearity 500,1000,2000,4000 --runs 3
    .venv/bin/python bench/exports.py --pdf-memory 1000,10000

Inputs: a few distinct documents built from the item bank (tests/documents.py) and scored by
the real scoring, cached under /tmp keyed by bank and rules version, then repeated with a new
id, name and time each (tests/export_load.py), handed to the writer as a generator.

At the first count each side runs ``--runs`` times, interleaved, and medians are printed (the
machine is shared); at larger counts once. Each measurement runs in a forked child of this
process (so one's memory never counts for the next): the child builds what the side needs,
resets its peak RSS (``/proc/self/clear_refs``), times the write to a file under /tmp, and
reports wall and CPU seconds and peak RSS growth (VmHWM - VmRSS). The seconds and ratios
printed are the child's CPU seconds (the machine is shared: other processes stretch the wall
clock far more than a process's own CPU time); the wall-clock ratio is printed beside them.

| ours                          | baseline (its input built before the clock starts)          |
|-------------------------------|-------------------------------------------------------------|
| CSV  ``formats["csv"]``        | ``pandas.DataFrame.to_csv`` of a frame of the same cells    |
| XLSX ``formats["xlsx"]``       | the same ``to_csv`` (the issue's yardstick)                  |
| JSON ``formats["json"]``       | ``json.dumps(indent=2)`` of the same document dicts         |
| FHIR ``formats["fhir"]``       | ``json.dumps`` (compact) of the same Bundle dict             |
| PDF  ``formats["pdf"]``        | the previous layout: every style tried by drawing it on a   |
|                               | scratch FPDF kept for the whole export (at the first count) |

Aims: CSV <= 2x, XLSX <= 10x, JSON <= 3x, FHIR <= 5x; PDF seconds per page the same at both
counts (linear) and each page drawn once; our peak RSS flat as the count grows, the PDF's too
(its pages are spooled: export/pdf_spool.py). ``--pdf-linearity`` times only the PDF at several
page counts, interleaved in each round, and fits a line through the medians (seconds and memory
against pages). ``--pdf-memory`` measures the PDF's peak RSS spooled beside the same pages in
one plain fpdf2 document, the writer before (docs/benchmarks.md, "The PDF's memory"). Prints
figures and ratios; docs/benchmarks.md records them. Not a test: no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import export_load  # noqa: E402

from export import fhir, formats, jsondoc, pdf, tabular  # noqa: E402
from export.pdf_layout import STYLES, new_pdf  # noqa: E402
from questionnaire.bank import load_bank  # noqa: E402
from scoring import RULES_VERSION  # noqa: E402

WORK = Path("/tmp/bench-exports")
AIMS = {"csv": 2.0, "xlsx": 10.0, "json": 3.0, "fhir": 5.0}


def _cached_documents() -> tuple:
    """The scored documents from /tmp when the bank and rules are the same, else made and kept."""
    path = WORK / f"documents-{load_bank().version}-{RULES_VERSION[:16]}-{export_load.NAMES[0]}.json"
    if not path.exists():
        path.write_text(json.dumps(export_load.scored_documents(), ensure_ascii=False), encoding="utf-8")
    return tuple(tuple(pair) for pair in json.loads(path.read_text(encoding="utf-8")))


DOCS: tuple = ()


def submissions(count: int):
    return export_load.submissions(count, DOCS)


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _measure(prepare, run) -> tuple[float, float, float]:
    """(seconds, peak RSS growth in MiB, CPU seconds) of ``run(prepare())`` in a forked child.
    The CPU seconds are the child's own (user + system), which other processes on a loaded
    machine stretch far less than the wall clock."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        data = prepare()
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        start_rss = _kib("VmRSS")
        started, cpu = time.perf_counter(), time.process_time()
        run(data)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        os.write(write, json.dumps([seconds, (_kib("VmHWM") - start_rss) / 1024, cpu]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        answer = fh.read()
    os.waitpid(child, 0)
    return tuple(json.loads(answer))


def _median(figures: list[tuple[float, ...]]) -> tuple[float, ...]:
    """The median of each figure (wall seconds, MiB, CPU seconds) over the runs."""
    return tuple(statistics.median(f[k] for f in figures) for k in range(len(figures[0])))


def _to_file(name: str, write) -> None:
    with open(WORK / name, "wb") as fh:
        write(fh)


def ours(fmt: str, count: int):
    return (lambda: None,
            lambda _: _to_file(f"ours.{fmt}", lambda fh: formats.get(fmt).write(submissions(count), fh)))


def baseline(fmt: str, count: int):
    if fmt in ("csv", "xlsx"):
        def frame():
            import pandas as pd
            cells = tabular.rows(submissions(count))
            header = next(cells)
            return pd.DataFrame(list(cells), columns=header)
        return frame, lambda df: df.to_csv(WORK / "base.csv", index=False, encoding="utf-8-sig")
    if fmt == "json":
        return (lambda: [jsondoc.document(s) for s in submissions(count)],
                lambda docs: (WORK / "base.json").write_text(
                    json.dumps(docs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"))
    if fmt == "fhir":
        return (lambda: fhir.bundle_dict(submissions(count)),
                lambda bundle: (WORK / "base.fhir.json").write_text(
                    json.dumps(bundle, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"))
    return lambda: None, lambda _: _to_file("base.pdf", lambda fh: _pdf_as_before(count, fh))


def _xlsx_as_before(count: int, out) -> None:
    """The Excel writer before rust_xlsxwriter: XlsxWriter's constant-memory mode, each cell by
    its type (``write_string``, ``write_number``), the same cells; the legend sheet left out."""
    import math
    import tempfile

    from xlsxwriter import Workbook

    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as scratch:
        book = Workbook(out, {"constant_memory": True, "strings_to_numbers": False, "tmpdir": scratch,
                              "strings_to_formulas": False, "strings_to_urls": False})
        sheet, bold = book.add_worksheet("Submissions"), book.add_format({"bold": True})
        sheet.freeze_panes(1, 1)
        every = tabular.rows(submissions(count))
        for col, name in enumerate(next(every)):
            sheet.write_string(0, col, name, bold)
        for number, cells in enumerate(every, start=1):
            for col, value in enumerate(cells):
                if type(value) is str:
                    if value:
                        sheet.write_string(number, col, tabular._xlsx_text(value))
                elif type(value) is float and not math.isfinite(value):
                    sheet.write_string(number, col, str(value))
                elif value is not None:
                    sheet.write_number(number, col, value)
        book.close()


def _pdf_as_before(count: int, out) -> None:
    """The layout before issue 10: each style tried by drawing it on a scratch document."""
    bank, doc, scratch = load_bank(), new_pdf(), new_pdf()
    for sub in submissions(count):
        style = STYLES[-1]
        for candidate in STYLES:
            if not pdf._draw(scratch, sub, candidate, bank, clip=False).overflow:
                style = candidate
                break
        pdf._draw(doc, sub, style, bank, clip=True)
    out.write(bytes(doc.output()))
    print(f"    (previous layout: {scratch.page} scratch pages drawn for {count} pages)")


def _pdf_one_document(count: int, out) -> None:
    """The PDF writer before the spool: the same pages in one plain fpdf2 document, which keeps
    every page until ``output()`` builds the whole file in memory."""
    bank, doc, measure = load_bank(), new_pdf(), new_pdf()
    for sub in submissions(count):
        pdf._draw(doc, sub, pdf.choose_style(sub, bank, measure), bank, clip=True)
    out.write(doc.output())


def pdf_memory(counts: list[int]) -> None:
    """Peak RSS growth, CPU seconds and bytes a page of the PDF, spooled (ours) beside one plain
    fpdf2 document (the writer before), each count once, the sides interleaved (``--pdf-memory``)."""
    print(f"{'pages':>6} {'side':<34} {'CPU s':>7} {'ms/page':>8} {'MiB':>6} {'bytes/page':>10}")
    sides = {"spooled pages (ours)": ("ours.pdf", lambda n, fh: formats.get("pdf").write(submissions(n), fh)),
             "one fpdf2 document (before)": ("before.pdf", _pdf_one_document)}
    for n in counts:
        for side, (name, write) in sides.items():
            _, mib, cpu = _measure(lambda: None, lambda _, n=n, name=name, write=write: _to_file(
                name, lambda fh: write(n, fh)))
            size = (WORK / name).stat().st_size / n
            print(f"{n:>6} {side:<34} {cpu:>7.2f} {cpu / n * 1000:>8.2f} {mib:>6.1f} {size:>10.0f}",
                  flush=True)


def pdf_linearity(counts: list[int], runs: int) -> None:
    """CPU seconds and peak RSS growth of the PDF at each page count, the counts interleaved in
    each of ``runs`` rounds (so load shifts touch every count alike), medians, and a
    least-squares line through them: linear when every count sits on the line (its per-page
    cost is the slope) and the intercept is small. Wall seconds are printed beside them."""
    figures: dict[int, list] = {n: [] for n in counts}
    for _ in range(runs):
        for n in counts:
            figures[n].append(_measure(*ours("pdf", n)))
    cpu = [statistics.median(f[2] for f in figures[n]) for n in counts]
    mib = [statistics.median(f[1] for f in figures[n]) for n in counts]
    fit, mem = statistics.linear_regression(counts, cpu), statistics.linear_regression(counts, mib)
    print(f"{'pages':>6} {'CPU s':>7} {'ms/page':>8} {'off the line':>12} {'MiB':>6}   wall s of each run")
    for n, seconds, peak in zip(counts, cpu, mib, strict=True):
        off = seconds / (fit.intercept + fit.slope * n) - 1
        print(f"{n:>6} {seconds:>7.2f} {seconds / n * 1000:>8.2f} {off:>+12.1%} {peak:>6.1f}   "
              + ", ".join(f"{f[0]:.2f}" for f in figures[n]), flush=True)
    print(f"fit: CPU seconds = {fit.intercept:.2f} + {fit.slope * 1000:.2f} ms x pages "
          f"(r = {statistics.correlation(counts, cpu):.4f}); "
          f"memory = {mem.intercept:.1f} MiB + {mem.slope * 1024:.1f} KiB x pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000")
    parser.add_argument("--formats", default="csv,xlsx,json,fhir,pdf")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each side at the first count, interleaved (medians)")
    parser.add_argument("--xlsx-before", action="store_true",
                        help="also time the previous Excel writer (XlsxWriter's constant-memory mode)")
    parser.add_argument("--pdf-linearity", metavar="PAGES",
                        help="only the PDF at these page counts (e.g. 500,1000,2000,4000), interleaved "
                             "--runs times: medians and a fitted line")
    parser.add_argument("--pdf-memory", metavar="PAGES",
                        help="only the PDF at these page counts, spooled (ours) beside one plain "
                             "fpdf2 document (the writer before): peak RSS growth")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    WORK.mkdir(exist_ok=True)
    global DOCS
    DOCS = _cached_documents()
    if args.pdf_linearity:
        formats.get("pdf").to_bytes(submissions(20))  # warm
        pdf_linearity([int(c) for c in args.pdf_linearity.split(",")], args.runs)
        return
    if args.pdf_memory:
        formats.get("pdf").to_bytes(submissions(20))  # warm
        pdf_memory([int(c) for c in args.pdf_memory.split(",")])
        return
    print(f"{'format':<6} {'count':>6} {'ours s':>8} {'base s':>8} {'ratio':>6} {'aim':>5} "
          f"{'wall ratio':>10} {'ours MiB':>9} {'base MiB':>9}   (s: CPU seconds)")
    for fmt in args.formats.split(","):
        formats.get(fmt).to_bytes(submissions(20))  # warm: imports and the bank's caches
        per_page = []
        for count in counts:
            runs = args.runs if count == counts[0] else 1
            if fmt == "pdf":
                mine = _median([_measure(*ours(fmt, count)) for _ in range(runs)])
                per_page.append(mine[2] / count)
                if count != counts[0]:
                    print(f"{fmt:<6} {count:>6} {mine[2]:>8.2f} {'':>8} {'':>6} {'':>5} {'':>10} "
                          f"{mine[1]:>9.1f}", flush=True)
                    continue
                base = _measure(*baseline(fmt, count))  # the old layout, once: it is slow
            else:
                pairs = [(_measure(*ours(fmt, count)), _measure(*baseline(fmt, count))) for _ in range(runs)]
                mine, base = _median([p[0] for p in pairs]), _median([p[1] for p in pairs])
            aim = f"{AIMS[fmt]:.0f}x" if fmt in AIMS else ""
            print(f"{fmt:<6} {count:>6} {mine[2]:>8.2f} {base[2]:>8.2f} {mine[2] / base[2]:>5.1f}x {aim:>5} "
                  f"{mine[0] / base[0]:>9.1f}x {mine[1]:>9.1f} {base[1]:>9.1f}", flush=True)
            if fmt == "xlsx" and args.xlsx_before:
                before = _median([_measure(lambda: __import__("xlsxwriter"), lambda _, n=count: _to_file(
                    "before.xlsx", lambda fh: _xlsx_as_before(n, fh))) for _ in range(runs)])
                print(f"{'before':<6} {count:>6} {before[2]:>8.2f} {'':>8} {before[2] / base[2]:>5.1f}x "
                      f"{'':>5} {before[0] / base[0]:>9.1f}x {before[1]:>9.1f}   (XlsxWriter)")
        if fmt == "pdf" and len(per_page) > 1:
            print(f"pdf CPU seconds per page: {', '.join(f'{p * 1000:.1f} ms' for p in per_page)} "
                  f"(ratio {per_page[-1] / per_page[0]:.2f}; 1.00 is linear); each page drawn once")


if __name__ == "__main__":
    main()
