"""The embedded search backend: a tantivy index under HOME/search/, no server.

Text is split, lower-cased and folded by the engine (the same rules as ``analysis.words``); the
light stemmer and the synonyms are applied in Python. The engine's query parser is never used:
queries are built from tantivy query objects. The index has
one writer at a time (tantivy's own lock file); a process that cannot get it raises
SearchUnavailable and the outbox keeps the work for later.
"""

import shutil
from pathlib import Path

import tantivy

from catalog.config import setting
from catalog.errors import SearchQueryError, SearchUnavailable
from catalog.search import Query, Results
from catalog.search import tantivy_query as compiler
from catalog.search.analysis import analyzer_for
from catalog.search.records import DATES, KEYWORDS, TEXT, UPDATED, flatten

SCHEMA_VERSION = 3  # 3: the "updated" sort field
WRITER_HEAP = 64_000_000
FACET_SIZE_ALL = 10_000  # also the per-segment count, so facet counts are exact
REBUILD_THREADS = 2


def text_analyzer() -> tantivy.TextAnalyzer:
    """Split on what is not a letter or digit, lower-case, fold accents: the engine side of ``analysis.words``."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    return builder.filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()).build()


def build_schema() -> tantivy.Schema:
    """Analysed text fields, exact keyword fast fields (facets), epoch-second dates, the bbox."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    builder.add_text_field("stamp", stored=True, tokenizer_name="raw")
    for field in TEXT:
        builder.add_text_field(field, tokenizer_name="catalog")
    builder.add_text_field("title_sort", fast=True, tokenizer_name="raw")
    for field in KEYWORDS:
        builder.add_text_field(field, fast=True, tokenizer_name="raw")
    for field in DATES:
        builder.add_integer_field(field, indexed=True, fast=True)
    builder.add_integer_field(UPDATED, indexed=False, fast=True)
    for field in compiler.BBOX:
        builder.add_float_field(field, indexed=True, fast=True)
    return builder.build()


class EmbeddedBackend:
    """Search in a tantivy index on local disk: the default, zero-setup backend."""

    name = "embedded"

    def __init__(self, path: Path | str, stemmer: str = "light", synonyms: str = ""):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self.analyzer = analyzer_for(stemmer, synonyms)
        self.engine, self.damage = None, ""
        self._open()

    def _open(self) -> None:
        try:
            engine = tantivy.Index(self.schema, path=str(self.path), reuse=True)
            engine.register_tokenizer("catalog", text_analyzer())
            self.engine = engine
        except ValueError as error:
            self.damage = str(error)

    def _ready(self) -> tantivy.Index:
        if self.engine is None:
            raise SearchUnavailable(f"Cannot open the search index in {self.path}: {self.damage}; "
                                    "run `catalog index rebuild`")
        return self.engine

    @classmethod
    def from_config(cls, config: dict) -> "EmbeddedBackend":
        folder = Path(config["HOME"]) / "search" / f"tantivy-v{SCHEMA_VERSION}"
        return cls(folder, setting(config, "SEARCH_STEMMER"), setting(config, "SEARCH_SYNONYMS"))

    # -- writing ------------------------------------------------------------------------------

    def _writer(self, threads: int = 1) -> tantivy.IndexWriter:
        try:
            return self._ready().writer(heap_size=WRITER_HEAP * threads, num_threads=threads)
        except ValueError as error:
            raise SearchUnavailable(f"The search index is being written by another process: {error}") from error

    def _commit(self, writer) -> None:
        writer.commit()
        writer.wait_merging_threads()
        self.engine.reload()

    def index(self, datasets: list[dict]) -> None:
        writer = self._writer()
        for record in datasets:
            writer.delete_documents_by_term("id", record["id"])
            if record.get("state", "active") == "active" and not record.get("private"):
                writer.add_document(self.document(record))
        self._commit(writer)

    def delete(self, ids: list[str]) -> None:
        writer = self._writer()
        for dataset_id in ids:
            writer.delete_documents_by_term("id", dataset_id)
        self._commit(writer)

    def clear(self) -> None:
        self.replace_all([])

    def replace_all(self, batches) -> int:
        """Replace every document with the records in ``batches``; readers see the old index until the end.

        A damaged index (one that cannot be opened) is removed and created afresh.
        """
        if self.engine is None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.mkdir(parents=True)
            self._open()
        writer = self._writer(threads=REBUILD_THREADS)
        writer.delete_all_documents()
        count = 0
        for batch in batches:
            for record in batch:
                writer.add_document(self.document(record))
            count += len(batch)
        self._commit(writer)
        return count

    def document(self, record: dict) -> tantivy.Document:
        """The tantivy document for one dataset record."""
        flat = flatten(record)
        doc = tantivy.Document()
        doc.add_text("id", flat["id"])
        doc.add_text("stamp", flat["stamp"])
        doc.add_text("title_sort", flat["title_sort"])
        for field in TEXT:
            doc.add_text(field, self.analyzer.prepare(flat[field]))
        for field in KEYWORDS:
            for value in flat[field]:
                doc.add_text(field, value)
        for field in (*DATES, UPDATED):
            if flat[field] is not None:
                doc.add_integer(field, flat[field])
        if flat["bbox"]:
            for field, value in zip(compiler.BBOX, flat["bbox"]):
                doc.add_float(field, float(value))
        return doc

    # -- reading ------------------------------------------------------------------------------

    def search(self, query: Query) -> Results:
        self._ready().reload()
        searcher = self.engine.searcher()
        built = compiler.Compiler(self.schema, self.analyzer)
        try:
            main = built.query(query)
            ids, count = self._page(searcher, main, query)
            facets = self._facets(searcher, built, query)
        except ValueError as error:
            raise SearchQueryError(f"The search engine refused the query: {error}") from error
        return Results(count=count, ids=ids, facets=facets)

    def _page(self, searcher, main, query: Query) -> tuple[list[str], int]:
        order = compiler.order(query)
        if query.rows == 0:
            return [], searcher.search(main, limit=1, count=True).count
        if order is None:
            found = searcher.search(main, limit=query.rows, count=True, offset=query.start)
        else:
            field, direction = order
            found = searcher.search(main, limit=query.rows, count=True, offset=query.start,
                                    order_by_field=field, order=direction)
        ids = [searcher.doc(address).get_first("id") for _, address in found.hits]
        return ids, found.count

    def _facets(self, searcher, built, query: Query) -> dict[str, list[tuple[str, int]]]:
        """Counts per facet, each computed with its own selection lifted; unselected facets share one call."""
        if not query.facet_fields:
            return {}
        size = FACET_SIZE_ALL if query.facet_limit < 0 else max(query.facet_limit, 1)
        selected = dict(query.filters)
        groups: dict[str | None, list[str]] = {}
        for field in query.facet_fields:
            groups.setdefault(field if field in selected else None, []).append(field)
        facets = {}
        for lifted, fields in groups.items():
            aggregation = {
                f: {"terms": {"field": f, "size": size, "segment_size": FACET_SIZE_ALL,
                              "min_doc_count": max(query.facet_mincount, 1)}}
                for f in fields
            }
            answer = searcher.aggregate(built.query(query, lift=lifted), aggregation)
            for field in fields:
                buckets = [(b["key"], int(b["doc_count"])) for b in answer.get(field, {}).get("buckets", [])]
                buckets.sort(key=lambda pair: (-pair[1], pair[0]))
                facets[field] = buckets if query.facet_limit < 0 else buckets[:query.facet_limit]
        return {field: facets[field] for field in query.facet_fields}

    def inventory(self) -> dict[str, str]:
        """Every indexed dataset id with the metadata_modified it was indexed at."""
        self._ready().reload()
        searcher = self.engine.searcher()
        total = searcher.num_docs
        if not total:
            return {}
        found = searcher.search(tantivy.Query.all_query(), limit=total, count=False)
        stored = (searcher.doc(address) for _, address in found.hits)
        return {doc.get_first("id"): doc.get_first("stamp") for doc in stored}

    def close(self) -> None:
        self.engine = None

    def destroy(self) -> None:
        """Remove the index folder (used by tests and by a rebuild after damage)."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)
