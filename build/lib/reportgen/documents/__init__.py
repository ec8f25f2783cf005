"""Stage 3: the documents composed as one model (headings, paragraphs, tables, charts, decisions)."""
