"""The prose templates (templates/prose/) and the values they receive: every number already computed and formatted,
every word chosen; the templates only pick between sentences and insert these values, they never compute.

One module per document's values – `sagsfremstilling`, `bilag1` (Bilag 2's are in documents/handleplan.py, the
letter's in documents/letter.py) – beside the values several documents share (`counts`, `maps`, `klagesager`) and
the templates' environment and rendering (`templates`).
"""
