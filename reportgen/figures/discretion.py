"""Discretion for counts from case-level records: which cells a document hides so that no small count shows.

A count from 1 to `diskretion` − 1 is hidden (primary suppression). That is not enough when the reader can work
it out from what is shown: a total minus the other cells, or "citizens with more than one case < 3" beside
"cases from them 3" (two such citizens would have at least four cases, so there is one). So every table's cells
come with the relations a reader can use – sums, totals and the bounds that follow from what the counts mean –
and further cells are hidden (secondary suppression) until no hidden small count is determined by them.

The reader's knowledge, which `suppress` guards against:
- a shown cell's value, and every public cell (Ankestyrelsen's own counts: cases, reversed and hjemviste cases
  per area – they are in the statistics and always shown);
- a count shown as "< N" is somewhere from 1 to N − 1; a cell shown as "x" could be any count;
- the relations of the table (`Relation`), all of them linear in the cells;
- no count exceeds the largest count of the tables (for the case-level records: all the year's cases).
A small count is protected when at least two values fit all of that. The tables of a document are read together,
so a count that two tables show is one cell (`Grid.same`), hidden or shown in both.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

Key = Hashable
State = Literal["shown", "small", "derivable"]


@dataclass(frozen=True)
class Relation:
    """Σ coefficient × cell = bound (equal) or ≤ bound; coefficients are whole numbers."""

    terms: tuple[tuple[Key, int], ...]
    bound: int = 0
    equal: bool = False

    @cached_property
    def keys(self) -> frozenset[Key]:
        """The cells the relation is about."""
        return frozenset(k for k, _ in self.terms)


def equal(terms: Mapping[Key, int], bound: int = 0) -> Relation:
    """Σ terms = bound."""
    return Relation(tuple(terms.items()), bound, True)


def at_most(terms: Mapping[Key, int], bound: int = 0) -> Relation:
    """Σ terms ≤ bound."""
    return Relation(tuple(terms.items()), bound, False)


def total(whole: Key, parts: Iterable[Key]) -> Relation:
    """whole = Σ parts."""
    terms: dict[Key, int] = {whole: 1}
    for part in parts:
        terms[part] = terms.get(part, 0) - 1
    return equal(terms)


@dataclass
class Grid:
    """The cells of the tables read together, their relations, the public cells and the cells shown twice."""

    values: dict[Key, int] = field(default_factory=dict)
    public: set[Key] = field(default_factory=set)
    relations: list[Relation] = field(default_factory=list)
    aliases: dict[Key, Key] = field(default_factory=dict)  # a cell that shows another cell's count → that cell

    def cell(self, key: Key, value: int, public: bool = False) -> Key:
        """Add a cell and return its key."""
        self.values[key] = value
        if public:
            self.public.add(key)
        return key

    def same(self, key: Key, cell: Key) -> Key:
        """Show the count of `cell` in another table too, as `key`: one count, hidden or shown alike; returns `cell`."""
        if key != cell:
            self.aliases[key] = cell
        return cell


@dataclass(frozen=True)
class Suppression:
    """Which cells of a grid a document hides: small counts, and the cells they could be worked out from."""

    small: frozenset[Key] = frozenset()
    derivable: frozenset[Key] = frozenset()

    def state(self, key: Key) -> State:
        """ "small" (shown as "< N"), "derivable" (hidden so that a small count stays hidden) or "shown"."""
        if key in self.small:
            return "small"
        return "derivable" if key in self.derivable else "shown"

    def shown(self, key: Key) -> bool:
        """True when the cell's value may appear in a table or a sentence."""
        return self.state(key) == "shown"


def suppress(grid: Grid, diskretion: int | None) -> Suppression:
    """What the documents hide of a grid (see _suppress). The result depends on the grid's cells, relations and
    diskretion only, so it is kept for the last grids: the live preview computes the same records at every
    keystroke."""
    if diskretion is None:
        return Suppression()
    return _suppressed(
        diskretion,
        tuple(grid.values.items()),
        frozenset(grid.public),
        tuple(grid.relations),
        tuple(grid.aliases.items()),
    )


@lru_cache(maxsize=16)
def _suppressed(
    diskretion: int,
    values: tuple[tuple[Key, int], ...],
    public: frozenset[Key],
    relations: tuple[Relation, ...],
    aliases: tuple[tuple[Key, Key], ...],
) -> Suppression:
    """suppress() of the grid made of these parts."""
    return _suppress(Grid(dict(values), set(public), list(relations), dict(aliases)), diskretion)


def _suppress(grid: Grid, diskretion: int) -> Suppression:
    """Hide every small count, then – one step at a time – hide what a small count could be worked out from:
    a related count that leaves it undetermined (the smallest first); failing that, show the small count itself
    as "x" rather than "< N" (which tells the reader its range); failing that, hide the smallest related count
    anyway. Ends when no small count fits only one value – or when the public counts alone determine it."""
    reader = _Reader(grid, diskretion)
    secret = {k for k, v in grid.values.items() if k not in grid.public and 0 < v < diskretion}
    small, hidden = set(secret), set(secret)  # small: shown as "< N"; hidden: every cell not shown
    hopeless: set[Key] = set()
    safe: set[Key] = set()  # undetermined, and so for good: each step only hides more or widens "< N" to "x"
    while True:
        exposed = None
        for k in _ordered(secret - hopeless - safe):
            if not reader.determined(hidden, small, k):
                safe.add(k)
            else:
                exposed = k
                break
        if exposed is None:
            return Suppression(_with_aliases(grid, small), _with_aliases(grid, hidden - small))
        related = reader.related(hidden, exposed)
        candidates = sorted(related - hidden - grid.public, key=lambda k: (grid.values[k], repr(k)))
        fix = next((c for c in candidates if not reader.determined(hidden | {c}, small, exposed)), None)
        if fix is not None:
            hidden.add(fix)
        elif exposed in small:
            small.discard(exposed)
        elif candidates:
            hidden.add(candidates[0])
        elif blur := _ordered(related & small):
            small.discard(blur[0])
        else:
            hopeless.add(exposed)


def _with_aliases(grid: Grid, cells: set[Key]) -> frozenset[Key]:
    """The cells with every key that shows one of them in another table."""
    return frozenset(cells | {key for key, cell in grid.aliases.items() if cell in cells})


def _ordered(keys: Iterable[Key]) -> list[Key]:
    return sorted(keys, key=repr)


class _Reader:
    """What a reader can work out from a grid's shown cells, with the relations each cell is in."""

    def __init__(self, grid: Grid, diskretion: int):
        self.grid, self.diskretion = grid, diskretion
        self.ceiling = max(*grid.values.values(), diskretion)  # no count exceeds the largest one
        self.touching: dict[Key, list[int]] = {}  # the relations (by index) each cell is in
        for index, relation in enumerate(grid.relations):
            for key in relation.keys:
                self.touching.setdefault(key, []).append(index)

    def related(self, hidden: set[Key], start: Key) -> set[Key]:
        """The cells in a relation with the hidden cells connected to `start` (through relations among hidden
        cells)."""
        component, frontier = {start}, [start]
        related: set[Key] = set()
        while frontier:
            for index in self.touching.get(frontier.pop(), []):
                relation = self.grid.relations[index]
                related |= relation.keys
                for k in relation.keys & hidden - component:
                    component.add(k)
                    frontier.append(k)
        return related

    def determined(self, hidden: set[Key], small: set[Key], key: Key) -> bool:
        """True when the reader's knowledge leaves the hidden count `key` only one possible value."""
        cells = self.related(hidden, key) & hidden | {key}
        domains = {k: (1, self.diskretion - 1) if k in small else (0, self.ceiling) for k in cells}
        relations = [self.grid.relations[i] for i in sorted({i for k in cells for i in self.touching.get(k, [])})]
        known = {k: self.grid.values[k] for r in relations for k in r.keys if k not in hidden}
        search = _Search(relations, known)
        root = search.narrow(domains)
        first = None if root is None else search.first(root, [])
        if root is None or first is None:  # cannot happen for true data; be safe rather than loop
            return False
        (low, high), value, again = root[key], first[key], search.touching.get(key, [])
        return all(search.first({**root, key: other}, again) is None for other in ((low, value - 1), (value + 1, high)))


Interval = tuple[int, int]  # the whole numbers from the first to the second, both included (empty when first > second)


def solve(
    domains: Mapping[Key, Sequence[int]], relations: list[Relation], known: dict[Key, int]
) -> dict[Key, int] | None:
    """One assignment of the domains' cells (each a sorted list of whole numbers) that satisfies every relation, or
    None. A domain with gaps is tried one run of consecutive values at a time."""
    runs = {k: _runs(values) for k, values in domains.items()}
    gapped = next((k for k, r in runs.items() if len(r) != 1), None)
    if gapped is None:
        return _solve({k: r[0] for k, r in runs.items()}, relations, known)
    for run in runs[gapped]:
        found = solve({**domains, gapped: range(run[0], run[1] + 1)}, relations, known)
        if found is not None:
            return found
    return None


def _runs(values: Sequence[int]) -> list[Interval]:
    """The sorted values as runs of consecutive numbers."""
    runs: list[Interval] = []
    for v in values:
        if runs and runs[-1][1] == v - 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _solve(domains: dict[Key, Interval], relations: list[Relation], known: dict[Key, int]) -> dict[Key, int] | None:
    """One assignment of the cells, each within its interval, that satisfies every relation, or None."""
    return _Search(relations, known).first(domains)


class _Search:
    """The relations with the known cells moved into their bounds, and the search for values of the other cells
    that satisfy them: depth-first, the smallest domain first, each step narrowing every domain to the values its
    relations still allow."""

    def __init__(self, relations: list[Relation], known: dict[Key, int]):
        fixed = [_fix(r, known) for r in relations]
        self.impossible = any(not r.terms and (r.bound < 0 or (r.equal and r.bound != 0)) for r in fixed)
        self.relations = [r for r in fixed if r.terms]
        self.touching: dict[Key, list[int]] = {}  # the relations (by index) each cell is in
        for index, r in enumerate(self.relations):
            for k, _ in r.terms:
                self.touching.setdefault(k, []).append(index)
        self._rank: dict[Key, int] = {}  # the cells in the order of their repr: which of two equal domains goes first

    def narrow(self, domains: dict[Key, Interval], start: list[int] | None = None) -> dict[Key, Interval] | None:
        """The domains narrowed by the relations (those in `start` first; all when None), or None when none fit."""
        if self.impossible or any(low > high for low, high in domains.values()):  # e.g. "< 1": no value left
            return None
        return _narrow(domains, self.relations, self.touching, start)

    def first(self, domains: dict[Key, Interval], start: list[int] | None = None) -> dict[Key, int] | None:
        """The first assignment within the domains that satisfies every relation, or None; `start` as in narrow."""
        current = self.narrow(domains, start)
        if current is None:
            return None
        open_ = [k for k, (low, high) in current.items() if high > low]
        if not open_:
            return {k: low for k, (low, _) in current.items()}
        if len(self._rank) < len(current):
            self._rank = {k: i for i, k in enumerate(sorted(current, key=repr))}
        rank = self._rank
        key = min(open_, key=lambda k: (current[k][1] - current[k][0], rank[k]))
        low, high = current[key]
        again = self.touching.get(key, [])
        for value in range(low, high + 1):
            found = self.first({**current, key: (value, value)}, again)
            if found is not None:
                return found
        return None


def _fix(relation: Relation, known: dict[Key, int]) -> Relation:
    """The relation with the known cells moved into its bound."""
    bound = relation.bound - sum(a * known[k] for k, a in relation.terms if k in known)
    return Relation(tuple((k, a) for k, a in relation.terms if k not in known), bound, relation.equal)


def _narrow(
    domains: dict[Key, Interval],
    relations: list[Relation],
    touching: dict[Key, list[int]],
    start: list[int] | None = None,
) -> dict[Key, Interval] | None:
    """The domains with every value removed that no assignment of the other cells could complete (bounds
    consistency, repeated until nothing changes); None when a domain runs empty.

    `touching` gives the relations (by index) each cell is in. Only the relations in `start` (all when None) are
    checked first – the rest are consistent already – and a relation is checked again only when one of its cells'
    domains has narrowed since; the result is the same in any order, as every step only removes values that
    cannot be part of a solution.
    """
    domains = dict(domains)
    pending = list(range(len(relations))) if start is None else list(start)
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        r = relations[index]
        bound, equal, terms = r.bound, r.equal, r.terms
        low = high = 0  # the least and the most Σ a × cell can be
        for k, a in terms:
            first, last = domains[k]
            if a > 0:
                low += a * first
                high += a * last
            else:
                low += a * last
                high += a * first
        if low > bound or (equal and high < bound):
            return None
        for k, a in terms:
            if a == 0:
                continue
            first, last = domains[k]
            new_first, new_last = first, last
            if a > 0:
                least_term, most_term = a * first, a * last
                cap = (bound - low + least_term) // a  # a × cell ≤ bound − the least of the others
                if cap < last:
                    new_last = cap
                if equal:  # a × cell ≥ bound − the most of the others
                    floor = -((high - most_term - bound) // a)
                    if floor > first:
                        new_first = floor
            else:
                least_term, most_term = a * last, a * first
                floor = -((bound - low + least_term) // -a)
                if floor > first:
                    new_first = floor
                if equal:
                    cap = (bound - high + most_term) // a
                    if cap < last:
                        new_last = cap
            if new_first > new_last:
                return None
            if new_first != first or new_last != last:
                domains[k] = (new_first, new_last)
                if a > 0:
                    low += a * new_first - least_term
                    high += a * new_last - most_term
                else:
                    low += a * new_last - least_term
                    high += a * new_first - most_term
                for other in touching[k]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)
    return domains
