"""The vocabulary every stage shares: outcomes and counts, areas, municipalities, Danish wording, input problems;
and a process's memory of results it worked out lately (`recent.py`)."""
