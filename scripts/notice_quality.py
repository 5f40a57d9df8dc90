"""Precision and recall of the notice parser over tests/fixtures/notices, per notice, per
organisation level (district-2022, province, commune) and overall.

    python scripts/notice_quality.py [--verbose] [FOLDER]

Working days count public holidays only (no admin calendar: no database is opened).
Exit status 1 when a level's figure is below its target (0.95 directives and units, 0.9
deadlines).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.meetings.notice.quality import by_level, evaluate  # noqa: E402
from tracker.tasks.workdays import WorkCalendar  # noqa: E402

TARGETS = {"directives": 0.95, "units": 0.95, "deadlines": 0.9}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "tests/fixtures/notices"))
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
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
    print("targets:", "FAIL (" + ", ".join(failed) + ")" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
