"""Query tree -> tantivy query objects for the embedded backend (never tantivy's text syntax).

Free-text words are analysed into synonym slots; each slot must match in some text field (title
weighs most), so words spread over title, tags and description still find the dataset. Longer
words also match with one typo, at a lower weight.
"""

import tantivy

from catalog.search import All, And, Not, Or, Phrase, Query, Range, Term
from catalog.search.records import epoch

Q = tantivy.Query
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
WEIGHTS = {"title": 4.0, "tags_text": 2.5, "notes": 1.0, "other": 0.8}
FIELD_TARGETS = {"text": tuple(WEIGHTS), "title": ("title",), "notes": ("notes",)}
FUZZY_MIN_LENGTH = 6
FUZZY_WEIGHT = 0.3
BBOX = ("bbox_west", "bbox_south", "bbox_east", "bbox_north")
SORT_FIELDS = {"metadata_modified": "metadata_modified", "metadata_created": "metadata_created",
               "modified": "updated", "title_string": "title_sort", "name": "name"}  # modified: the publisher's, else the record's


def order(query: Query):
    """(fast field, tantivy.Order) for the first sort key, or None to rank by score."""
    field, direction = query.sort[0]
    if field == "score":
        if query.match is not None:
            return None
        field, direction = "metadata_modified", "desc"
    return SORT_FIELDS[field], tantivy.Order.Desc if direction == "desc" else tantivy.Order.Asc


def _regex_literal(text: str) -> str:
    return "".join(c if c.isalnum() and c.isascii() else f"\\x{{{ord(c):X}}}" for c in text)


class Compiler:
    """Builds the tantivy query for a ``Query``, optionally with one facet's selection lifted."""

    def __init__(self, schema, analyzer):
        self.schema = schema
        self.analyzer = analyzer

    def query(self, query: Query, lift: str | None = None):
        clauses = []
        if query.match is not None:
            clauses.append(self.node(query.match))
        if query.where is not None:
            clauses.append(self.node(query.where))
        for field, values in query.filters:
            if field != lift:
                clauses.append(Q.term_set_query(self.schema, field, list(values)))
        if query.bbox:
            clauses.append(self.bbox(query.bbox))
        clauses = [c for c in clauses if c is not None]
        if not clauses:
            return Q.all_query()
        return clauses[0] if len(clauses) == 1 else Q.boolean_query([(MUST, c) for c in clauses])

    def node(self, node):
        """A tantivy query for one tree node; None when the node holds no searchable word."""
        if isinstance(node, And):
            return self.conjunction(node.items)
        if isinstance(node, Or):
            parts = [p for p in (self.node(i) for i in node.items) if p is not None]
            return Q.boolean_query([(SHOULD, p) for p in parts]) if parts else None
        if isinstance(node, Not):
            inner = self.node(node.item)
            return None if inner is None else Q.boolean_query([(MUST, Q.all_query()), (MUST_NOT, inner)])
        if isinstance(node, All):
            return Q.all_query()
        if isinstance(node, Range):
            return self.range(node)
        if isinstance(node, Phrase):
            return self.phrase(node.field, node.value)
        return self.term(node)

    def conjunction(self, items):
        """AND of items; adjacent free-text words are analysed together so multi-word synonyms match."""
        must, must_not, should, run = [], [], [], []
        for item in (*items, None):
            if isinstance(item, Term) and item.field == "text" and not item.prefix:
                run.append(item.value)
                continue
            if run:
                required, optional = self.slots(run)
                must.extend(required)
                should.extend(optional)
                run = []
            if isinstance(item, Not):
                inner = self.node(item.item)
                if inner is not None:
                    must_not.append(inner)
            elif item is not None:
                must.append(self.node(item))
        must = [m for m in must if m is not None]
        if not must and not must_not and not should:
            return None
        if not must and should and not must_not:
            must, should = should, []
        if not must:
            must = [Q.all_query()]
        clauses = [(MUST, m) for m in must] + [(MUST_NOT, m) for m in must_not] + [(SHOULD, s) for s in should]
        return Q.boolean_query(clauses)

    def slots(self, words: list[str]) -> tuple[list, list]:
        """(required, optional) queries, one per synonym slot: any alternative, in any text field.

        Filler words ("data", "per", "jumlah") are optional when the run has other words.
        """
        slots = self.analyzer.slots(words)
        keep_all = all(self.analyzer.is_filler(slot) for slot in slots)
        required, optional = [], []
        for alternatives in slots:
            options = [self.tokens_anywhere(tokens, fuzzy=len(alternatives) == 1) for tokens in alternatives]
            query = options[0] if len(options) == 1 else Q.boolean_query([(SHOULD, o) for o in options])
            (required if keep_all or not self.analyzer.is_filler(alternatives) else optional).append(query)
        return required, optional

    def tokens_anywhere(self, tokens: tuple[str, ...], fields=tuple(WEIGHTS), fuzzy=True):
        """Tokens (one word, or a phrase) in any of ``fields``, weighted by field."""
        options = []
        for field in fields:
            if len(tokens) == 1:
                exact = Q.term_query(self.schema, field, tokens[0])
            else:
                exact = Q.phrase_query(self.schema, field, list(tokens))
            options.append(Q.boost_query(exact, WEIGHTS[field]))
            if fuzzy and len(tokens) == 1 and len(tokens[0]) >= FUZZY_MIN_LENGTH and field in {"title", "notes"}:
                typo = Q.fuzzy_term_query(self.schema, field, tokens[0], distance=1)
                options.append(Q.boost_query(typo, WEIGHTS[field] * FUZZY_WEIGHT))
        return Q.boolean_query([(SHOULD, o) for o in options])

    def term(self, node: Term):
        if node.field in FIELD_TARGETS:
            if node.prefix:
                return self.prefix(FIELD_TARGETS[node.field], self.analyzer.tokens(node.value))
            if node.field == "text":
                return self.conjunction((node,))
            slots = [tuple(self.analyzer.tokens(node.value))]
            return self.tokens_anywhere(slots[0], FIELD_TARGETS[node.field]) if slots[0] else None
        if node.prefix:
            return Q.regex_query(self.schema, node.field, _regex_literal(node.value) + ".*")
        return Q.term_query(self.schema, node.field, node.value)

    def prefix(self, fields, tokens: list[str]):
        if not tokens:
            return None
        *whole, last = tokens
        pattern = _regex_literal(last) + ".*"
        options = [Q.boost_query(Q.regex_query(self.schema, f, pattern), WEIGHTS[f]) for f in fields]
        prefix = Q.boolean_query([(SHOULD, o) for o in options])
        if not whole:
            return prefix
        return Q.boolean_query([(MUST, self.tokens_anywhere(tuple(whole), fields, fuzzy=False)), (MUST, prefix)])

    def phrase(self, field: str, value: str):
        tokens = tuple(self.analyzer.tokens(value))
        if not tokens:
            return None
        return self.tokens_anywhere(tokens, FIELD_TARGETS.get(field, tuple(WEIGHTS)), fuzzy=False)

    def range(self, node: Range):
        low = epoch(node.low) if node.low else None
        high = epoch(node.high) if node.high else None
        return Q.range_query(self.schema, node.field, tantivy.FieldType.Integer, low, high)

    def bbox(self, box):
        west, south, east, north = box
        parts = [
            ("bbox_west", None, east), ("bbox_east", west, None),
            ("bbox_south", None, north), ("bbox_north", south, None),
        ]
        ranges = [Q.range_query(self.schema, f, tantivy.FieldType.Float, lo, hi) for f, lo, hi in parts]
        return Q.boolean_query([(MUST, r) for r in ranges])

