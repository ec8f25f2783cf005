"""Stage 4: one writer per format turns a document model into DOCX, HTML or PDF (the HTML laid out by WeasyPrint)."""
