"""Regenerate the README's rule table from `clinic-audit rules --format markdown`.

Run: python tools/update_readme.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
SCHEMA = README.parent / "audit" / "data" / "config.schema.json"
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def main() -> None:
    table = subprocess.run(
        [sys.executable, "-m", "clinic_audit.cli", "rules", "--format", "markdown"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
    print(f"README rule table: {table.count(chr(10)) - 1} rules")
    # The configuration's JSON Schema is built from the same rules and options (tests/test_init.py checks it).
    import json

    from clinic_audit.config import json_schema
    from clinic_audit.registry import load

    SCHEMA.write_text(json.dumps(json_schema(load()), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"configuration schema: {SCHEMA}")


if __name__ == "__main__":
    main()
