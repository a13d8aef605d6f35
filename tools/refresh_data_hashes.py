"""Record the row count, size and hash of every data file in data/datapackage.json.

hemaedu refuses a data file whose bytes differ from what ``datapackage.json``
records (``rows``, ``bytes`` and ``hash`` of each resource), so a cut, edited or
re-encoded file is never used silently. After a deliberate edit of a CSV run

    make data-hashes            (or: python tools/refresh_data_hashes.py)

to record the new state, check that ``frictionless validate data/datapackage.json``
still passes and commit both files. ``--check`` only reports what is out of date
and exits with status 1 if anything is (for CI).

Standard library only. Rows are counted as the loader counts them: the data
lines of the CSV after the header, blank lines skipped.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def file_state(path: Path) -> dict[str, object]:
    """``rows``, ``bytes`` and ``hash`` (``sha256:<hex>``, Data Package v2 style) of one CSV."""
    raw = path.read_bytes()
    # The loader refuses a file that is not UTF-8; counting rows needs the text.
    text = raw.decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    return {"rows": max(len(rows) - 1, 0), "bytes": len(raw), "hash": "sha256:" + hashlib.sha256(raw).hexdigest()}


def refresh(data: Path = DATA, check: bool = False) -> list[str]:
    """Update (or with ``check`` only compare) the records; return one line per change."""
    package_path = data / "datapackage.json"
    package = json.loads(package_path.read_text(encoding="utf-8"))
    changes = []
    for index, resource in enumerate(package["resources"]):
        state = file_state(data / resource["path"])
        for key, value in state.items():
            if resource.get(key) != value:
                changes.append(f"{resource['path']}: {key} {resource.get(key)} -> {value}")
        if any(resource.get(key) != value for key, value in state.items()):
            # Keep the records beside path/format/encoding, where a reader looks for them.
            ordered: dict[str, object] = {}
            for key, value in resource.items():
                if key not in state:
                    ordered[key] = value
                if key == "encoding":
                    ordered.update(state)
            ordered.update({k: v for k, v in state.items() if k not in ordered})
            package["resources"][index] = ordered
    if changes and not check:
        package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report out-of-date records; exit 1 if any")
    parser.add_argument("--data", type=Path, default=DATA, help="the data folder (default: data/ of this checkout)")
    args = parser.parse_args(argv)
    changes = refresh(args.data, check=args.check)
    for line in changes:
        print(line)
    if args.check:
        if changes:
            print(f"{len(changes)} record(s) out of date; run: make data-hashes", file=sys.stderr)
            return 1
        print("datapackage.json records match every data file.")
        return 0
    print(f"updated {len(changes)} record(s) in {args.data / 'datapackage.json'}" if changes else "nothing to update")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
