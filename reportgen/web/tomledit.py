"""sag.toml edited the way a person would: tomlkit keeps comments, order and layout of everything not changed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table

from reportgen.domain.errors import InputError, Problem
from reportgen.inputs.case import parse_toml
from reportgen.inputs.files import read_file
from reportgen.inputs.limits import MAX_TOML_BYTES

Value = str | int | date | list[str] | None


class SagToml:
    """The text of a sag.toml and the edits the browser makes to it."""

    def __init__(self, text: str) -> None:
        parse_toml(text, "sag.toml")  # refuses what tomlkit could not read either (thousands of nested lists)
        try:
            self.doc = tomlkit.parse(text)
        except TOMLKitError as exc:
            raise InputError(
                [Problem("sag.toml", f"ugyldig TOML: {exc}.", hint="Tjek anførselstegn og = på linjen.")]
            ) from None

    @classmethod
    def read(cls, folder: Path) -> SagToml:
        """The case folder's sag.toml, read as every case file is (a regular file inside the folder, within its
        size limit); InputError when it cannot be."""
        data = read_file(folder / "sag.toml", "sag.toml", MAX_TOML_BYTES, folder)
        try:
            return cls(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError(
                [Problem("sag.toml", "filen er ikke gemt som UTF-8.", hint="Gem den som UTF-8.")]
            ) from None

    def text(self) -> str:
        """The edited file."""
        return tomlkit.dumps(self.doc)

    def get(self, key: str) -> Any:
        """A value as plain Python ("handleplan.indstilling" for a key in a table), or None."""
        table: Any = self.doc
        for part in key.split("."):
            if not isinstance(table, Mapping) or part not in table:
                return None
            table = table[part]
        return table.unwrap() if hasattr(table, "unwrap") else table

    def set(self, key: str, value: Value) -> None:
        """Set a key; None, "" or an empty list removes an optional key. An unchanged value is left as written."""
        *tables, name = key.split(".")
        container: Any = self.doc
        for part in tables:
            if part not in container:
                container[part] = tomlkit.table()
            container = container[part]
        empty = value is None or value == "" or value == []
        if empty:
            if name in container:
                del container[name]
        elif self.get(key) != value:
            container[name] = value

    def tables(self, name: str) -> list[dict[str, Any]]:
        """The [[name]] tables as plain dictionaries (an empty list when there are none)."""
        value = self.get(name)
        return [dict(t) for t in value] if isinstance(value, list) else []

    def add_table(self, name: str, values: Mapping[str, Value]) -> None:
        """Append a [[name]] table."""
        if not isinstance(self.doc.get(name), AoT):
            if name in self.doc:
                del self.doc[name]
            self.doc.append(name, tomlkit.aot())
        self.doc[name].append(_table(values))

    def replace_table(self, name: str, index: int, values: Mapping[str, Value]) -> None:
        """Change the keys of the index-th [[name]] table (from 0), keeping its comments."""
        table: Table = self.doc[name][index]
        for key, value in values.items():
            if value is None or value == "":
                if key in table:
                    del table[key]
            elif table.get(key) != value:
                table[key] = value

    def remove_table(self, name: str, index: int) -> None:
        """Remove the index-th [[name]] table (from 0); the key goes when none are left."""
        tables = self.doc[name]
        del tables[index]
        if not len(tables):
            del self.doc[name]


def _table(values: Mapping[str, Value]) -> Table:
    """A new table with the keys that have a value, followed by a blank line."""
    table = tomlkit.table()
    for key, value in values.items():
        if value is not None and value != "":
            table[key] = value
    table.add(tomlkit.nl())
    return table
