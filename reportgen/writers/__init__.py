"""Writers that turn a reportgen Document into DOCX, PDF and HTML."""
