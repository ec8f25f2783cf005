"""The environment the byte-exact output was made in: pinned library versions and the private APIs the writers use."""

from __future__ import annotations

import ctypes.util

from pinned import differing_versions, pinned

from reportgen.writers import pdf


def test_installed_output_libraries_are_the_pinned_ones():
    assert differing_versions() == [], (
        "install with `pip install -c constraints.txt -e '.[test,dev]'` (make test does), or update "
        "constraints.txt and the goldens (`make golden`) together"
    )


def test_constraints_pin_exact_versions_only():
    assert pinned(), "constraints.txt pins nothing"
    assert all(version[0].isdigit() for version in pinned().values())


def test_private_apis_the_writers_rely_on_still_exist():
    """An upgrade that removes one of these fails here, by name, rather than as a changed byte."""
    import docx
    from docx.parts.document import DocumentPart

    pdf._load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    assert callable(ctypes.util.find_library)  # replaced while WeasyPrint is imported (writers/pdf.py)
    assert hasattr(FontConfiguration(), "_folder")  # removed at process exit (writers/pdf.py)
    assert callable(DocumentPart.get_style_id)  # replaced by a memoising lookup (writers/docx.py)
    assert docx.Document().part.get_style_id("Normal", 1) is None  # the default paragraph style has no id
