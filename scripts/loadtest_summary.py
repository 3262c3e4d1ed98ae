"""Summarise locust's CSV output into one table, check the goals, save it to summary.txt.

    python scripts/loadtest_summary.py var/loadtest [--title TEXT]

Goals (issue 7): no errors at all, and p95 under 300 ms for the interaction list (with or
without filters) and the interaction form (GET and POST). Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

P95_GOAL_MS = 300
# Endpoints held to the p95 goal: the list, its filters and pages, and the form.
GOAL_ENDPOINTS = ("/interactions/", "/interactions/?", "/interactions/new/")


def held_to_goal(name: str) -> bool:
    return name.startswith(GOAL_ENDPOINTS) and "/search/" not in name


def number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not sorted_ms:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return sorted_ms[rank - 1]


def phase_table(path: Path, phase: str) -> list[list[str]]:
    """Per-endpoint figures of one phase of the request log (scripts/locustfile.py)."""
    if not path.exists():
        return []
    rows = [r for r in csv.DictReader(path.open()) if r["phase"] == phase]
    if not rows:
        return []
    t0 = min(float(r["start"]) for r in rows)
    t_end = max(float(r["start"]) + float(r["ms"]) / 1000 for r in rows)
    span = max(1e-9, t_end - t0)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(f"{r['method']} {r['name']}", []).append(r)
    groups = dict(sorted(groups.items(), key=lambda kv: (kv[0].split(" ", 1)[1], kv[0])))
    groups["Aggregated"] = rows
    table = []
    for name, items in groups.items():
        ms = sorted(float(r["ms"]) for r in items)
        table.append(
            [
                name,
                str(len(items)),
                f"{len(items) / span:.1f}",
                f"{percentile(ms, 50):.0f}",
                f"{percentile(ms, 95):.0f}",
                f"{percentile(ms, 99):.0f}",
                f"{ms[-1]:.0f}",
                str(sum(int(r["failed"]) for r in items)),
            ]
        )
    return table


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--title", default="")
    parser.add_argument("--note", action="append", default=[], help="a line under the title")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()

    stats_path = args.out / "locust_stats.csv"
    if not stats_path.exists():
        print(f"no {stats_path}: did locust run?", file=sys.stderr)
        return 1
    rows = list(csv.DictReader(stats_path.open()))
    failures = (
        list(csv.DictReader((args.out / "locust_failures.csv").open()))
        if (args.out / "locust_failures.csv").exists()
        else []
    )

    header = ["endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"]
    table = []
    for row in rows:
        if row["Name"] != "Aggregated" and not int(row["Request Count"]):
            continue
        name = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        table.append(
            [
                name,
                row["Request Count"],
                f"{number(row['Requests/s']):.1f}",
                row["50%"],
                row["95%"],
                row["99%"],
                f"{number(row['Max Response Time']):.0f}",
                row["Failure Count"],
            ]
        )
    warmup = phase_table(args.out / "requests.csv", "warmup")
    everything = [header, *table, *warmup]
    widths = [max(len(str(r[i])) for r in everything) for i in range(len(header))]

    def line(cells):
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest])

    lines = []
    if args.title:
        lines += [args.title]
    lines += args.note
    lines += ["", "Measured window (locust):", line(header), line(["-" * w for w in widths])]
    lines += [line(r) for r in table]
    total_row = next((r for r in rows if r["Name"] == "Aggregated"), None)
    cpu_file = args.out / "cpu.json"
    if cpu_file.exists() and total_row and int(total_row["Request Count"]):
        cpu = json.loads(cpu_file.read_text())
        count = int(total_row["Request Count"])
        per_request = cpu["gunicorn"] / count * 1000
        capacity = args.cores * cpu["wall"]

        def share(seconds: float) -> str:
            return f"{100 * seconds / capacity:.0f}%"

        other = cpu["machine_busy"] - cpu["gunicorn"] - cpu["locust"]
        lines.append(
            f"CPU in the window, as a share of {args.cores} cores: "
            f"gunicorn {share(cpu['gunicorn'])}"
            f" ({per_request:.0f} ms per request), locust {share(cpu['locust'])}, everything else"
            f" (PostgreSQL and any other work on the machine) {share(other)}; machine busy "
            f"{share(cpu['machine_busy'])}"
        )
    if warmup:
        lines += [
            "",
            "Warm-up, not counted above (users arrive and sign in; each gunicorn "
            "worker's first requests):",
        ]
        lines += [line(header), line(["-" * w for w in widths])]
        lines += [line(r) for r in warmup]

    problems = []
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total is None or int(total["Request Count"]) == 0:
        problems.append("no request was made")
    elif int(total["Failure Count"]):
        problems.append(f"{total['Failure Count']} failed requests (goal: none)")
    for row in rows:
        if row["Name"] != "Aggregated" and held_to_goal(row["Name"]):
            p95 = number(row["95%"])
            if p95 >= P95_GOAL_MS:
                name = f"{row['Type']} {row['Name']}"
                problems.append(f"p95 of {name} is {p95:.0f} ms (goal: under {P95_GOAL_MS})")
    if failures:
        lines += ["", "Failures:"]
        for f in failures:
            lines.append(f"  {f['Occurrences']:>5} x {f['Method']} {f['Name']}: {f['Error']}")
    lines.append("")
    if problems:
        lines.append("GOALS MISSED: " + "; ".join(problems))
    else:
        lines.append(
            f"Goals met: no errors; p95 under {P95_GOAL_MS} ms for the interaction list and form."
        )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (args.out / "summary.txt").write_text(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
