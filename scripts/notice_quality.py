"""Precision and recall of the notice parser over tests/fixtures/notices, per notice, per
organisation level (district-2022, province, commune) and overall.

    python scripts/notice_quality.py [--verbose] [--text-only] [FOLDER]

Working days count public holidays only (no admin calendar: no database is opened).
Then the directive recall per form of the notice: pasted text, text PDF (each notice printed
to A4 by headless Chromium, read back from its text layer) and scan (those pages rendered at
200 dpi into an image-only PDF, read by Tesseract); the PDFs and images are made in a
temporary folder (needs chromium, tesseract-ocr, tesseract-ocr-vie, poppler-utils: `make
browser ocr`).
Exit status 1 when a level's figure is below its target (0.95 directives and units, 0.9
deadlines), or a form's: text PDF recall equal to pasted text's, scan recall 0.9.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.meetings.notice.quality import (  # noqa: E402
    Score,
    by_level,
    catalog_file,
    evaluate,
    load_catalog,
    score_notice,
)
from tracker.tasks.workdays import WorkCalendar  # noqa: E402

TARGETS = {"directives": 0.95, "units": 0.95, "deadlines": 0.9}
SCAN_TARGET = 0.9


def forms(folder: Path, add_days, verbose: bool) -> dict[str, Score]:
    """Directive recall per form (pasted text, text PDF, scan) over the fixtures."""
    from tracker.meetings.notice.printing import read_back

    catalogs: dict[Path, tuple] = {}
    totals = {"pasted text": Score(), "text PDF": Score(), "scan": Score()}
    print(f"\n{'notice':<32} {'pasted':>7} {'text PDF':>9} {'scan':>6}  (directive recall)")
    with tempfile.TemporaryDirectory(prefix="notice-forms-") as tmp:
        for path in sorted(folder.glob("*.txt")):
            expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            units_file = catalog_file(folder, expected)
            if units_file not in catalogs:
                catalogs[units_file] = load_catalog(units_file)
            catalog, by_name, kinds = catalogs[units_file]
            text = path.read_text(encoding="utf-8")
            texts = {"pasted text": text, **read_back(text, Path(tmp), path.stem)}
            row = []
            for form, body in texts.items():
                r = score_notice(body, expected, catalog, by_name, kinds, add_days, path.stem)
                totals[form].add(r.directives)
                row.append(r.directives.recall)
                if verbose and form != "pasted text":
                    for miss in r.misses:
                        print(f"    [{form}] {miss}")
            print(f"{path.stem:<32.32} {row[0]:>7.2f} {row[1]:>9.2f} {row[2]:>6.2f}", flush=True)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "tests/fixtures/notices"))
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    parser.add_argument("--text-only", action="store_true", help="skip the text PDF and scan forms")
    args = parser.parse_args(argv)
    results, total = evaluate(Path(args.folder), WorkCalendar().add)
    head = f"{'notice':<32} {'directives P/R':>15} {'units P/R':>13} {'deadlines P/R':>15}"
    print(head)
    print("-" * len(head))

    def pr(score) -> str:
        return f"{score.precision:.2f}/{score.recall:.2f}"

    for r in results:
        print(f"{r.name:<32.32} {pr(r.directives):>15} {pr(r.units):>13} {pr(r.deadlines):>15}")
        if args.verbose:
            for miss in r.misses:
                print(f"    {miss}")
    print("-" * len(head))
    levels = by_level(results)
    for level, level_total in levels.items():
        count = sum(r.level == level for r in results)
        label = f"{level} ({count} notices)"
        print(
            f"{label:<32} {pr(level_total['directives']):>15} "
            f"{pr(level_total['units']):>13} {pr(level_total['deadlines']):>15}"
        )
    print(
        f"{'overall (' + str(len(results)) + ' notices)':<32} {pr(total['directives']):>15} "
        f"{pr(total['units']):>13} {pr(total['deadlines']):>15}"
    )
    failed = []
    for level, level_total in levels.items():
        for name, target in TARGETS.items():
            s = level_total[name]
            if min(s.precision, s.recall) < target:
                failed.append(f"{level} {name} < {target}")
    if not args.text_only:
        started = time.monotonic()
        totals = forms(Path(args.folder), WorkCalendar().add, args.verbose)
        pasted = totals["pasted text"].recall
        print(
            "overall directive recall: "
            + ", ".join(f"{form} {score.recall:.2f}" for form, score in totals.items())
            + f" ({time.monotonic() - started:.0f} s)"
        )
        if totals["text PDF"].recall < pasted:
            failed.append(f"text PDF recall < pasted text ({pasted:.2f})")
        if totals["scan"].recall < SCAN_TARGET:
            failed.append(f"scan recall < {SCAN_TARGET}")
    print("targets:", "FAIL (" + ", ".join(failed) + ")" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
