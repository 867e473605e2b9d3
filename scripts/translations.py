"""Compile every gettext catalog (``src/ihome/**/translations``) to .mo, or check they are compiled.

    python scripts/translations.py compile   # after editing a .po file
    python scripts/translations.py check     # exit 1 if a .mo is missing or its messages differ from its .po

The check compares messages, not bytes: a newer Babel writes a different header (``Generated-By``) into
an otherwise identical catalog, and that must not fail a fresh machine.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1] / "src" / "ihome"


def catalogs() -> list[Path]:
    return sorted(ROOT.glob("**/translations/*/LC_MESSAGES/messages.po"))


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    # Babel stamps "now" into catalogs without a header: fix the dates so a .mo is reproducible.
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def messages(catalog: Catalog) -> dict[object, object]:
    """What a reader sees: every translated (id, context) and its string; the header is left out."""
    def frozen(value: object) -> object:  # plural forms come as lists
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(frozen(message.id), message.context): frozen(message.string) for message in catalog
            if message.id and message.string and not message.fuzzy}


def is_current(mo_path: Path, data: bytes) -> bool:
    if not mo_path.exists():
        return False
    with mo_path.open("rb") as current:
        return messages(read_mo(current)) == messages(read_mo(io.BytesIO(data)))


def main(command: str) -> int:
    stale = []
    for po_path in catalogs():
        mo_path = po_path.with_suffix(".mo")
        data = compiled(po_path)
        if command == "compile":
            mo_path.write_bytes(data)
            print(f"compiled {po_path.relative_to(ROOT.parent.parent)}")
        elif not is_current(mo_path, data):
            stale.append(str(mo_path))
    if stale:
        print("stale translations, run `make translations`:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "check"))
