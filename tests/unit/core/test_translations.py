"""Every catalog is compiled: a .mo that lags its .po would show English to Chinese readers."""

import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_compiled_catalogs_match_their_sources():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _translations_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_newer_babel_header_is_not_a_stale_catalog(tmp_path):
    """Another Babel writes another Generated-By header; the messages, which readers see, are the same."""
    script = _translations_script()
    po_path = script.catalogs()[0]
    data = script.compiled(po_path)
    mo_path = tmp_path / "messages.mo"
    import babel

    version = babel.__version__.encode()
    other = b"9" * len(version)  # same length: the .mo offsets stay valid
    mo_path.write_bytes(data.replace(b"Generated-By: Babel " + version, b"Generated-By: Babel " + other))
    assert mo_path.read_bytes() != data
    assert script.is_current(mo_path, data)


def test_a_changed_message_is_a_stale_catalog(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    script = _translations_script()
    catalog = Catalog(locale="zh_Hans_CN")
    catalog.add("Book", "预订")
    changed = Catalog(locale="zh_Hans_CN")
    changed.add("Book", "预定")
    mo_path = tmp_path / "messages.mo"
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog)
    buffer = io.BytesIO()
    write_mo(buffer, changed)
    assert not script.is_current(mo_path, buffer.getvalue())
    assert not script.is_current(tmp_path / "missing.mo", buffer.getvalue())
