"""Precision and recall of every rule on real posts, measured against hand-made labels.

    python benchmarks/accuracy/run.py                       # ../shared/corpus, labels in benchmarks/accuracy/labels
    python benchmarks/accuracy/run.py CORPUS --labels DIR   # your own posts and labels
    python benchmarks/accuracy/run.py --dump FILE...        # findings to label, one line each

Labels are tab-separated files (``labels/*.tsv``) of ``file  line  rule  verdict  note``, with no post text:

- ``file`` is relative to the corpus folder; ``rule`` a rule name or code; ``line`` 0 for a fact about the
  whole post (no byline, reading grade), which matches that rule's finding wherever it points;
- ``verdict`` ``true`` means the post really has that rule's defect at that line (a finding there is right,
  no finding there is a miss); ``false`` means a finding there is wrong;
- ``note`` says why, in the labeller's words (never the post's).

Ratings (``ratings/*.tsv``: ``file  rating``, 1 = poor … 5 = excellent, an editor's overall judgement) give
the rank correlation between the post scores and an editor's ranking.

A finding matches a label of the same file and rule within ``--tolerance`` lines (2 by default: a finding
may point at a paragraph's first line or at its sentence's).  Findings with no label are counted as
*unlabelled* and left out of precision.  The corpus is audited from a temporary copy: ``.php`` pages are read
as HTML, every other file as its extension says.  When the corpus folder is missing the script says so and
exits 0, so it never breaks a run on a machine that does not have it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[2] / "shared" / "corpus"
SUFFIXES = {".md": ".md", ".markdown": ".md", ".html": ".html", ".htm": ".html", ".php": ".html", ".txt": ".txt",
            ".docx": ".docx"}


@dataclass(frozen=True)
class Label:
    file: str
    line: int
    rule: str
    verdict: bool
    note: str


def read_labels(folder: Path) -> list[Label]:
    labels = []
    for path in sorted(folder.glob("*.tsv")):
        for number, row in enumerate(csv.reader(path.open(encoding="utf-8"), delimiter="\t"), start=1):
            if not row or row[0].startswith("#") or not row[0].strip():
                continue
            try:
                file, line, rule, verdict = (cell.strip() for cell in row[:4])
                labels.append(Label(file, int(line), rule, verdict.lower() in ("true", "tp", "yes", "1"),
                                    row[4].strip() if len(row) > 4 else ""))
            except ValueError:
                sys.exit(f"{path.name}:{number}: expected file, line, rule, verdict, note")
    return labels


def read_ratings(folder: Path) -> dict[str, float]:
    ratings = {}
    for path in sorted(folder.glob("*.tsv")) if folder.is_dir() else ():
        for row in csv.reader(path.open(encoding="utf-8"), delimiter="\t"):
            if len(row) >= 2 and not row[0].startswith("#"):
                try:
                    ratings[row[0].strip()] = float(row[1])
                except ValueError:
                    continue
    return ratings


def audit(corpus: Path, files: list[str], command: list[str]) -> tuple[dict[str, dict], dict[str, str]]:
    """Audit the files from a temporary copy; results and failures keyed by their corpus path."""
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        back: dict[str, str] = {}
        for rel in files:
            source = corpus / rel
            suffix = SUFFIXES.get(source.suffix.lower())
            if suffix is None or not source.is_file():
                continue
            copy = Path(tmp) / (rel.replace("/", "__") + suffix)
            shutil.copyfile(source, copy)
            back[str(copy)] = rel
        if not back:
            return {}, {}
        out = Path(tmp) / "results.json.out"
        subprocess.run([*command, "check", *back, "--isolated", "--select", "ALL", "--no-cache", "--fail-on", "never",
                        "-f", "json", "-o", str(out), "--jobs", "2"], check=False, stderr=subprocess.DEVNULL,
                       cwd=tmp)
        data = json.loads(out.read_text(encoding="utf-8"))
    posts = {back.get(p["source"], p["source"]): p for p in data["posts"]}
    failures = {back.get(e["source"], e["source"]): e["message"] for e in data.get("errors", [])}
    return posts, failures


def rule_names(command: list[str]) -> dict[str, tuple[str, str, str]]:
    """code and name -> (name, family, severity) from ``clinic-audit rules -f json`` (or the text table)."""
    done = subprocess.run([*command, "rules", "--format", "markdown"], capture_output=True, text=True, check=True)
    names: dict[str, tuple[str, str, str]] = {}
    for line in done.stdout.splitlines():
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        if len(cells) >= 4 and cells[0][:2].isalpha() and cells[0][2:].isdigit():
            code, name, family, severity = cells[:4]
            names[code] = names[name] = (name, family, severity)
    return names


def evaluate(labels: list[Label], posts: dict[str, dict], names: dict, tolerance: int) -> dict[str, dict[str, int]]:
    """Per rule name: tp, fp, fn, unlabelled."""
    by_key: dict[tuple[str, str], list[Label]] = defaultdict(list)
    for label in labels:
        name = names.get(label.rule, (label.rule,))[0]
        by_key[(label.file, name)].append(label)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "unlabelled": 0})
    for file, post in posts.items():
        for finding in post["findings"]:
            name = finding["name"]
            candidates = by_key.get((file, name), [])
            at = int(finding.get("line") or 0)
            near = [l for l in candidates if l.line == 0 or abs(l.line - at) <= tolerance]
            if not near:
                counts[name]["unlabelled"] += 1
                continue
            best = min(near, key=lambda l: abs(l.line - at) if l.line else 1 << 30)
            counts[name]["tp" if best.verdict else "fp"] += 1
    for (file, name), group in by_key.items():
        if file not in posts:
            continue
        lines = [int(f.get("line") or 0) for f in posts[file]["findings"] if f["name"] == name]
        for label in group:
            if label.verdict and not any(label.line == 0 or abs(label.line - line) <= tolerance for line in lines):
                counts[name]["fn"] += 1
    return counts


def spearman(pairs: list[tuple[float, float]]) -> float | None:
    if len(pairs) < 3:
        return None

    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return out

    xs, ys = ranks([p[0] for p in pairs]), ranks([p[1] for p in pairs])
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    vx = sum((x - mx) ** 2 for x in xs) ** 0.5
    vy = sum((y - my) ** 2 for y in ys) ** 0.5
    return cov / (vx * vy) if vx and vy else None


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "–"


def table(counts: dict[str, dict[str, int]], names: dict) -> str:
    rows = ["| rule | family | severity | tp | fp | fn | unlabelled | precision | recall |",
            "|---|---|---|---|---|---|---|---|---|"]
    families: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "unlabelled": 0})
    severities: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "unlabelled": 0})
    for name in sorted(counts, key=lambda n: names.get(n, (n, "?", "?"))[1:] + (n,)):
        c = counts[name]
        _, family, severity = names.get(name, (name, "?", "?"))
        for key in c:
            families[family][key] += c[key]
            severities[severity][key] += c[key]
        rows.append(f"| {name} | {family} | {severity} | {c['tp']} | {c['fp']} | {c['fn']} | {c['unlabelled']} | "
                    f"{_ratio(c['tp'], c['tp'] + c['fp'])} | {_ratio(c['tp'], c['tp'] + c['fn'])} |")
    rows += ["", "| family or severity | tp | fp | fn | unlabelled | precision | recall |", "|---|---|---|---|---|---|---|"]
    for group in (families, severities):
        for key in sorted(group):
            c = group[key]
            rows.append(f"| {key} | {c['tp']} | {c['fp']} | {c['fn']} | {c['unlabelled']} | "
                        f"{_ratio(c['tp'], c['tp'] + c['fp'])} | {_ratio(c['tp'], c['tp'] + c['fn'])} |")
    return "\n".join(rows)


def show(rules: list[str], labels: list[Label], posts: dict[str, dict], names: dict, tolerance: int,
         only: str | None = None) -> None:
    """Each finding of the rules with the verdict and note of its label (for finding what to fix)."""
    wanted = {names.get(r, (r,))[0] for r in rules}
    if "ALL" in rules:
        wanted = {name for name, _, _ in names.values()}
    for file, post in sorted(posts.items()):
        for finding in post["findings"]:
            if finding["name"] not in wanted:
                continue
            at = int(finding.get("line") or 0)
            near = [l for l in labels if l.file == file and names.get(l.rule, (l.rule,))[0] == finding["name"]
                    and (l.line == 0 or abs(l.line - at) <= tolerance)]
            verdict = "unlabelled" if not near else ("TP" if near[0].verdict else "FP")
            if only and verdict != only:
                continue
            note = near[0].note if near else ""
            excerpt = " ".join(str(finding.get("excerpt") or "").split())[:100]
            print(f"{verdict:10} {file}\t{at}\t{finding['name']}\t{finding['severity']}\t{finding['message'][:140]}"
                  f" | {note} | {excerpt}")
        for label in labels:
            if only not in (None, "MISSED"):
                break
            if label.file == file and label.verdict and names.get(label.rule, (label.rule,))[0] in wanted and not any(
                    f["name"] == names.get(label.rule, (label.rule,))[0]
                    and (label.line == 0 or abs(int(f.get("line") or 0) - label.line) <= tolerance)
                    for f in post["findings"]):
                print(f"{'MISSED':10} {file}:{label.line} {label.rule} | {label.note}")


def dump(corpus: Path, files: list[str], command: list[str]) -> None:
    posts, failures = audit(corpus, files, command)
    for rel in files:
        if rel in failures:
            print(f"{rel}\tFAILED\t{failures[rel]}")
        post = posts.get(rel)
        if not post:
            continue
        print(f"# {rel}  score {post['score']} ({post['grade']}) language {post['language']} format {post['format']}")
        for f in post["findings"]:
            excerpt = " ".join(str(f.get("excerpt") or "").split())[:140]
            print(f"{rel}\t{f['line']}\t{f['name']}\t{f['severity']}\t{f['message']}\t| {excerpt}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=HERE / "labels")
    parser.add_argument("--ratings", type=Path, default=HERE / "ratings")
    parser.add_argument("--tolerance", type=int, default=2, help="lines a finding may be from its label")
    parser.add_argument("--command", default=os.environ.get("CLINIC_AUDIT", "clinic-audit"),
                        help="the clinic-audit command to measure (default: clinic-audit on PATH)")
    parser.add_argument("--dump", nargs="+", metavar="FILE", help="print the findings of these corpus files")
    parser.add_argument("--json", type=Path, help="also write the counts as JSON")
    parser.add_argument("--show", metavar="RULES", help="list these rules' findings with their labels (comma-separated; "
                        "ALL for every rule)")
    parser.add_argument("--only", choices=["TP", "FP", "unlabelled", "MISSED"], help="with --show: only these")
    parser.add_argument("--files", nargs="+", metavar="FILE", help="with --show: only these corpus files")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: nothing to measure (give a folder of posts as the first argument)")
        return 0
    command = args.command.split()
    if not command or shutil.which(command[0]) is None:
        print(f"no command {args.command!r} on PATH: activate the environment clinic-audit is installed in, or "
              f"pass --command", file=sys.stderr)
        return 2
    if args.dump:
        dump(args.corpus, args.dump, command)
        return 0
    labels = read_labels(args.labels)
    files = sorted({label.file for label in labels})
    posts, failures = audit(args.corpus, files, command)
    names = rule_names(command)
    counts = evaluate(labels, posts, names, args.tolerance)
    if args.show:
        chosen = {f: p for f, p in posts.items() if not args.files or f in args.files}
        show(args.show.split(","), labels, chosen, names, args.tolerance, args.only)
        return 0
    print(f"{len(files)} labelled posts ({len(failures)} could not be audited), {len(labels)} labels, "
          f"{len({f.split('/')[0] for f in files})} sources\n")
    print(table(counts, names))
    ratings = read_ratings(args.ratings)
    pairs = [(posts[f]["score"], r) for f, r in ratings.items() if f in posts]
    rho = spearman(pairs)
    if rho is not None:
        print(f"\nscore vs editor rating: Spearman {rho:.2f} over {len(pairs)} rated posts")
    for rel, message in sorted(failures.items()):
        print(f"not audited: {rel}: {message}")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, "spearman": rho}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
