"""The vocabulary every stage shares: outcomes and counts, areas, municipalities, Danish wording, input problems."""
