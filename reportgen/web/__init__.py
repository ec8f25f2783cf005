"""`reportgen serve`: the yearly case in the browser, on top of the lifecycle layer; the case folder stays the
single source of truth (the browser saves sag.toml, tekster/ and the data files)."""
