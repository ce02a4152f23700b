"""The Elasticsearch backend (8.x and 9.x, official client): a versioned index behind an alias.

``mapping()`` and ``to_dsl()`` are pure functions (unit-tested without a server). User text only
ever reaches Elasticsearch as values of match/term/range clauses, never as query-string syntax.
"""

import datetime as dt
import itertools

from catalog.config import setting
from catalog.errors import SearchQueryError, SearchUnavailable
from catalog.search import All, And, Not, Or, Phrase, Query, Range, Results
from catalog.search.analysis import read_synonyms
from catalog.search.records import DATES, KEYWORDS, UPDATED, flatten

TEXT_WEIGHTS = {"title": 4.0, "tags_text": 2.5, "notes": 1.0, "other": 0.8}
FIELD_TARGETS = {"text": tuple(TEXT_WEIGHTS), "title": ("title",), "notes": ("notes",)}
SORTS = {"metadata_modified": "metadata_modified", "metadata_created": "metadata_created",
         "modified": UPDATED, "title_string": "title_sort", "name": "name"}  # modified: the publisher's, else the record's


def mapping(synonyms: dict[tuple, list[tuple]]) -> dict:
    """Index settings and mappings: Indonesian analysis with synonyms, an English sub-field, keywords."""
    lines = sorted({", ".join(" ".join(e) for e in group) for group in synonyms.values() if len(group) > 1})
    text = {"type": "text", "analyzer": "catalog_id", "search_analyzer": "catalog_id_search",
            "fields": {"en": {"type": "text", "analyzer": "english"}}}
    properties = {field: dict(text) for field in TEXT_WEIGHTS}
    properties.update({field: {"type": "keyword"} for field in ("id", "stamp", *KEYWORDS)})
    properties["title_sort"] = {"type": "keyword", "normalizer": "folded"}
    properties.update({field: {"type": "date", "format": "epoch_second"} for field in (*DATES, UPDATED)})
    properties["bbox"] = {"type": "geo_shape"}
    return {
        "settings": {"analysis": {
            "filter": {
                "id_synonyms": {"type": "synonym_graph", "synonyms": lines, "lenient": True},
                "id_light": {"type": "pattern_replace", "pattern": "^(.{4,})nya$", "replacement": "$1"},
            },
            "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
            "analyzer": {
                "catalog_id": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding", "id_light"]},
                "catalog_id_search": {"tokenizer": "standard",
                                      "filter": ["lowercase", "asciifolding", "id_synonyms", "id_light"]},
            },
        }},
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def to_document(record: dict) -> dict:
    """The Elasticsearch source for one dataset record."""
    flat = flatten(record)
    box = flat.pop("bbox")
    if box:
        west, south, east, north = box
        flat["bbox"] = {"type": "envelope", "coordinates": [[west, north], [east, south]]}
    return {k: v for k, v in flat.items() if v is not None}


def to_dsl(query: Query, lift: str | None = None) -> dict:
    """The ``query`` clause for a Query, optionally with one facet's selection lifted."""
    must = [_node(n) for n in (query.match, query.where) if n is not None]
    filters = [{"terms": {field: list(values)}} for field, values in query.filters if field != lift]
    if query.bbox:
        west, south, east, north = query.bbox
        envelope = {"type": "envelope", "coordinates": [[west, north], [east, south]]}
        filters.append({"geo_shape": {"bbox": {"shape": envelope, "relation": "intersects"}}})
    if not must and not filters:
        return {"match_all": {}}
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}


def _node(node) -> dict:
    if isinstance(node, And):
        positive = [_node(i) for i in node.items if not isinstance(i, Not)]
        negative = [_node(i.item) for i in node.items if isinstance(i, Not)]
        return {"bool": {"must": positive or [{"match_all": {}}], "must_not": negative}}
    if isinstance(node, Or):
        return {"bool": {"should": [_node(i) for i in node.items], "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [_node(node.item)]}}
    if isinstance(node, All):
        return {"match_all": {}}
    if isinstance(node, Range):
        bounds = {k: _seconds(v) for k, v in (("gte", node.low), ("lte", node.high)) if v}
        return {"range": {node.field: {**bounds, "format": "epoch_second"}}}
    if isinstance(node, Phrase) or node.field in FIELD_TARGETS:
        return _text(node)
    if node.prefix:
        return {"prefix": {node.field: {"value": node.value}}}
    return {"term": {node.field: {"value": node.value}}}


def _text(node) -> dict:
    fields = [f"{f}^{TEXT_WEIGHTS[f]}" for f in FIELD_TARGETS.get(node.field, tuple(TEXT_WEIGHTS))]
    fields += [f"{f}.en^{TEXT_WEIGHTS[f] / 2}" for f in FIELD_TARGETS.get(node.field, tuple(TEXT_WEIGHTS))]
    if isinstance(node, Phrase):
        return {"multi_match": {"query": node.value, "type": "phrase", "fields": fields}}
    if node.prefix:
        return {"multi_match": {"query": node.value, "type": "phrase_prefix", "fields": fields}}
    return {"multi_match": {"query": node.value, "type": "cross_fields", "operator": "and", "fields": fields}}


def _seconds(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def to_sort(query: Query) -> list:
    """The sort clause: score (with modified date to break ties), a field, then id for stable paging."""
    keys = []
    for field, direction in query.sort:
        if field == "score":
            keys.append({"_score": direction} if query.match is not None else {"metadata_modified": "desc"})
        else:
            keys.append({SORTS[field]: {"order": direction, "missing": "_last"}})
    return keys + [{"id": "asc"}]


def to_aggregations(query: Query) -> dict:
    """One filter aggregation per facet, each with the facet's own selection lifted."""
    size = 10_000 if query.facet_limit < 0 else max(query.facet_limit, 1)
    return {
        field: {"filter": to_dsl(query, lift=field),
                "aggs": {"values": {"terms": {"field": field, "size": size,
                                              "min_doc_count": max(query.facet_mincount, 1),
                                              "order": [{"_count": "desc"}, {"_key": "asc"}]}}}}
        for field in query.facet_fields
    }


class ElasticBackend:
    """Search on an Elasticsearch cluster; needs the ``elasticsearch`` extra."""

    name = "elasticsearch"

    def __init__(self, client, alias: str, synonyms: dict):
        self.client = client
        self.alias = alias
        self.synonyms = synonyms

    @classmethod
    def from_config(cls, config: dict) -> "ElasticBackend":
        try:
            from elasticsearch import Elasticsearch
        except ImportError:
            raise SearchUnavailable("Install the elasticsearch extra: pip install 'open-city-catalog[elasticsearch]'") from None
        client = Elasticsearch(config["SEARCH_URL"], request_timeout=setting(config, "SEARCH_TIMEOUT"))
        path = setting(config, "SEARCH_SYNONYMS")
        return cls(client, setting(config, "SEARCH_INDEX"), {} if path == "none" else read_synonyms(path or None))

    def _call(self, method, **kwargs):
        from elasticsearch import ApiError, BadRequestError, TransportError

        try:
            return method(**kwargs)
        except BadRequestError as error:
            raise SearchQueryError(f"Elasticsearch refused the query: {error.message}") from error
        except (ApiError, TransportError) as error:
            raise SearchUnavailable(f"Elasticsearch failed: {error}") from error

    def _ensure(self) -> None:
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            self._create(self._versioned())

    def _versioned(self) -> str:
        return f"{self.alias}-{dt.datetime.now(dt.UTC).strftime('%Y%m%d%H%M%S%f')}"

    def _create(self, name: str, alias: bool = True) -> None:
        body = mapping(self.synonyms)
        aliases = {self.alias: {}} if alias else {}
        self._call(self.client.indices.create, index=name, settings=body["settings"], mappings=body["mappings"],
                   aliases=aliases)

    def _bulk(self, index: str, actions: list[dict]) -> None:
        if not actions:
            return
        answer = self._call(self.client.bulk, operations=actions, index=index, refresh="wait_for")
        if answer.get("errors"):
            failed = [i for i in answer["items"] if next(iter(i.values())).get("error")]
            if any(next(iter(i.values()))["status"] != 404 for i in failed):
                raise SearchUnavailable(f"Elasticsearch refused {len(failed)} bulk actions")

    def index(self, datasets: list[dict]) -> None:
        self._ensure()
        actions = []
        for record in datasets:
            if record.get("state", "active") == "active" and not record.get("private"):
                actions += [{"index": {"_id": record["id"]}}, to_document(record)]
            else:
                actions.append({"delete": {"_id": record["id"]}})
        self._bulk(self.alias, actions)

    def delete(self, ids: list[str]) -> None:
        self._ensure()
        self._bulk(self.alias, [{"delete": {"_id": i}} for i in ids])

    def search(self, query: Query) -> Results:
        self._ensure()
        answer = self._call(
            self.client.search, index=self.alias, query=to_dsl(query), sort=to_sort(query), from_=query.start,
            size=query.rows, track_total_hits=True, aggs=to_aggregations(query) or None, source=False,
        )
        facets = {f: [(b["key"], b["doc_count"]) for b in answer["aggregations"][f]["values"]["buckets"]]
                  for f in query.facet_fields}
        return Results(count=answer["hits"]["total"]["value"], ids=[h["_id"] for h in answer["hits"]["hits"]],
                       facets=facets)

    def clear(self) -> None:
        self.replace_all([])

    def replace_all(self, batches) -> int:
        """Fill a new versioned index, then move the alias to it in one step and drop the old ones."""
        new = self._versioned()
        self._create(new, alias=False)
        count = 0
        for batch in batches:
            live = [r for r in batch if r.get("state", "active") == "active" and not r.get("private")]
            self._bulk(new, list(itertools.chain.from_iterable(
                ({"index": {"_id": r["id"]}}, to_document(r)) for r in live)))
            count += len(live)
        old = []
        if self._call(self.client.indices.exists_alias, name=self.alias):
            old = list(self._call(self.client.indices.get_alias, name=self.alias))
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old] + [{"add": {"index": new, "alias": self.alias}}]
        self._call(self.client.indices.update_aliases, actions=actions)
        for name in old:
            self._call(self.client.indices.delete, index=name)
        return count

    def inventory(self) -> dict[str, str]:
        self._ensure()
        found, after = {}, None
        while True:
            page = self._call(self.client.search, index=self.alias, size=5000, sort=[{"id": "asc"}],
                              search_after=after, source=["id", "stamp"], query={"match_all": {}})
            hits = page["hits"]["hits"]
            if not hits:
                return found
            found.update((h["_source"]["id"], h["_source"]["stamp"]) for h in hits)
            after = hits[-1]["sort"]

    def close(self) -> None:
        self.client.close()
