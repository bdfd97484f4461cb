"""Measure the relay's boundary check on a labelled TSV of messages.

Run from the repository root:
    python bench/boundaries_eval.py [tests/data/boundaries_dev.tsv] [--misses] [--region es=ES]

The file has a header `label<TAB>language<TAB>category<TAB>text`; label is `flag` (the message
shares a personal detail or plans a meeting) or `ok`. Prints, per language and category, the
false-flag rate on `ok` rows and the detection rate on `flag` rows. The bot reads phone numbers
as the member's country does; the file does not say where its writers live, so a row counts as
flagged when it is flagged for any of the countries listed for its language (REGIONS; override
with `--region es=ES,MX`), which is the strict reading for false flags.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.catalog import relay as relay_catalog  # noqa: E402
from bot.screen import boundaries  # noqa: E402

DEFAULT_FILE = ROOT / "tests" / "data" / "boundaries_dev.tsv"
REGIONS = {
    "en": ["US", "GB", "CA", "AU", "IE", "NZ", "IN"],
    "es": ["MX", "ES", "AR", "CO", "CL", "PE", "US"],
}


def read_rows(path: Path) -> list[dict[str, str]]:
    """The labelled rows (a header line names the columns)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    bad = [row for row in rows if row.get("label") not in ("flag", "ok") or not row.get("text")]
    if bad:
        raise SystemExit(f"{path}: {len(bad)} rows without a flag|ok label or text")
    return rows


def evaluate(
    rows: list[dict[str, str]], regions: dict[str, list[str]]
) -> dict[tuple[str, str, str], list[int]]:
    """{(language, label, category): [rows, flagged]}, plus (language, label, '*') totals."""
    rules = boundaries.MeetingRules.from_content(relay_catalog.load(ROOT / "content").boundaries)
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        language = row["language"]
        found: set[str] = set()
        for region in regions.get(language, ["US"]):
            found |= set(boundaries.detect(row["text"], region=region, meeting=rules))
        row["found"] = ",".join(sorted(found))
        for category in (row["category"], "*"):
            cell = counts[(language, row["label"], category)]
            cell[0] += 1
            cell[1] += bool(found)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--misses", action="store_true", help="list the rows judged wrongly")
    parser.add_argument("--region", action="append", default=[], metavar="LANG=CC[,CC]")
    args = parser.parse_args()
    regions = dict(REGIONS)
    for item in args.region:
        language, _, countries = item.partition("=")
        regions[language] = [country.strip().upper() for country in countries.split(",")]
    rows = read_rows(args.file)
    counts = evaluate(rows, regions)
    print(f"{args.file.name}: {len(rows)} rows; phone regions {regions}")
    print(f"{'language':<9}{'label':<6}{'category':<14}{'rows':>6}{'flagged':>9}{'rate':>9}")
    for (language, label, category), (total, flagged) in sorted(counts.items()):
        name = "ALL" if category == "*" else category
        what = "false flags" if label == "ok" else "detected"
        print(
            f"{language:<9}{label:<6}{name:<14}{total:>6}{flagged:>9}"
            f"{100 * flagged / total:>8.1f}%  {what}"
        )
    if args.misses:
        for row in rows:
            if bool(row["found"]) != (row["label"] == "flag"):
                print(
                    f"MISS {row['label']}\t{row['language']}\t{row['category']}\t"
                    f"{row['found'] or '-'}\t{row['text']}"
                )


if __name__ == "__main__":
    main()
