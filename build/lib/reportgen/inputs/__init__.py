"""Stage 1: a case folder's files read into validated, typed records; every problem names file, row and column."""

from reportgen.inputs.load import Inputs, load_inputs

__all__ = ["Inputs", "load_inputs"]
