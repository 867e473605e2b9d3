"""The deploy fingerprint in the page cache's keys: any change to code, a template, a static file or a
catalog gives a new one (so a new version never serves a page rendered by the old), nothing else does."""

from __future__ import annotations

from ihome.core.page_cache import _fingerprint


def test_the_fingerprint_follows_templates_static_files_and_code_only(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "static").mkdir()
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<html>")
    (tmp_path / "static" / "app.js").write_text("1;")
    (tmp_path / "views.py").write_text("x = 1\n")
    first = _fingerprint(tmp_path)
    assert len(first) == 12 and _fingerprint(tmp_path) == first

    (tmp_path / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "notes.txt").write_text("not shipped in pages")
    assert _fingerprint(tmp_path) == first

    changed = []
    for name, text in (("templates/base.html", "<html lang>"), ("static/app.js", "2;"), ("views.py", "x = 2\n")):
        (tmp_path / name).write_text(text)
        changed.append(_fingerprint(tmp_path))
    assert len({first, *changed}) == 4
