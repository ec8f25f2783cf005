"""Stage 2: every figure of a case computed from its validated inputs – pure functions, no I/O, no formatting."""
