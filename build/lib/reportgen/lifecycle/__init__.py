"""Stage 5: what happens to a case's packet over its life – check, build into versions, batch, compare versions."""
