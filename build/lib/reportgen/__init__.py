"""reportgen: the yearly danmarkskort agenda item (sagsfremstilling and Bilag 1) from Ankestyrelsen's statistics."""

__version__ = "0.1.0"
