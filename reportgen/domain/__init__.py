"""The domain's vocabulary that every stage shares: outcomes and counts, areas, municipalities, Danish wording, input problems."""
