"""The limits on what the tool reads: beyond each, the input is refused with a message naming the limit.

Each limit is stated once, here, and listed in the README ("Grænser for input"). They are far above what a
real case needs and low enough that no input can exhaust the machine's memory or time.
"""

from __future__ import annotations

KB, MB = 1_000, 1_000_000

MAX_TOML_BYTES = 1 * MB  # sag.toml
MAX_TEXT_BYTES = 200 * KB  # each tekster/*.md
MAX_DATA_BYTES = 50 * MB  # each data file (CSV or XLSX) as it lies on disk
MAX_XLSX_UNPACKED_BYTES = 100 * MB  # all parts of an XLSX file together, unpacked (a zip bomb is refused unread)
MAX_ROWS = 100_000  # rows of a data file (a long national extract over ten years has some 15,000)
MAX_COLUMNS = 100  # columns of a data file
MAX_CELL_CHARS = 1_000  # characters in one cell of a data file
MAX_SHORT_TEXT = 255  # characters in a one-line sag.toml value (titel, forfatter, organ …; Word's limit)
MAX_LONG_TEXT = 5_000  # characters in a sag.toml text that is a paragraph (a decision, "beslutning")
MAX_MARKDOWN_DEPTH = 10  # emphasis nested in emphasis (*…**…**…*) in a text of tekster/
MAX_TOML_DEPTH = 20  # tables and lists nested in each other in a TOML file (sag.toml has three levels)
MAX_FORRIGE_CHAIN = 20  # cases a follow-up reaches back through (forrige of forrige …)
MAX_COUNT = 100_000_000  # a count of decisions or cases (the whole country makes far fewer per year)
# a style folder (stil), read on loading the case
MAX_STYLE_TOML_BYTES = 64 * KB  # stil.toml: a few design tokens
MAX_REFERENCE_BYTES = 20 * MB  # reference.docx, the Word template, as it lies on disk
MAX_REFERENCE_UNPACKED_BYTES = 100 * MB  # all parts of reference.docx together, unpacked (a zip bomb is refused)
MAX_REFERENCE_PARTS = 2_000  # parts (files) in reference.docx
MAX_LOGO_BYTES = 2 * MB  # logo.png and logo.svg, each
MAX_LOGO_PIXELS = 5_000  # pixels of logo.png, each way
MAX_FONT_BYTES = 20 * MB  # each font file in fonts/
MAX_FONTS = 40  # font files in fonts/
# what a browser may send to `reportgen serve` (a case's files are then held to the limits above when saved)
MAX_UPLOAD_BYTES = 10 * MB  # each file chosen in a form (a data file, an appendix)
MAX_FORM_BYTES = 3 * MAX_UPLOAD_BYTES + 1 * MB  # one form with all its files and fields (the three data files)
MAX_FORM_FIELD_BYTES = 2 * MB  # one text field of a form
MAX_FORM_PARTS = 200  # fields and files in one form
