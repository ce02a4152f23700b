"""The Elasticsearch backend: pure translation always; the contract suite against a live cluster when given."""

import os
import uuid

import pytest

from catalog.search.analysis import read_synonyms
from catalog.search.elastic import ElasticBackend, mapping, to_aggregations, to_document, to_dsl, to_sort
from catalog.search.query import parse
from tests.contracts.search import SearchBackendContract, corpus_records

ES_URL = os.environ.get("CATALOG_TEST_ELASTICSEARCH_URL", "")


@pytest.mark.skipif(not ES_URL, reason="CATALOG_TEST_ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test")
class TestElasticContract(SearchBackendContract):
    @pytest.fixture
    def backend(self):
        alias = f"catalog-test-{uuid.uuid4().hex[:8]}"
        backend = ElasticBackend.from_config({"SEARCH_URL": ES_URL, "SEARCH_INDEX": alias})
        yield backend
        backend.client.indices.delete(index=f"{alias}-*")
        backend.close()


def test_mapping_has_indonesian_analysis_english_subfield_and_keyword_facets():
    body = mapping(read_synonyms(None))
    properties = body["mappings"]["properties"]
    assert properties["title"]["search_analyzer"] == "catalog_id_search"
    assert properties["title"]["fields"]["en"]["analyzer"] == "english"
    assert all(properties[f]["type"] == "keyword" for f in ("organization", "tags", "res_format", "region"))
    synonyms = body["settings"]["analysis"]["filter"]["id_synonyms"]["synonyms"]
    assert any(line.startswith("dbd, demam berdarah dengue") for line in synonyms)
    assert properties["metadata_modified"] == {"type": "date", "format": "epoch_second"}


def test_free_text_is_a_cross_field_match_never_query_string():
    dsl = to_dsl(parse({"q": 'warga "per kecamatan" -covid title:(foo OR bar)'}))
    text = str(dsl)
    assert "query_string" not in text and "simple_query_string" not in text
    must = dsl["bool"]["must"][0]["bool"]
    assert must["must"][0]["multi_match"] == {
        "query": "warga", "type": "cross_fields", "operator": "and",
        "fields": ["title^4.0", "tags_text^2.5", "notes^1.0", "other^0.8",
                   "title.en^2.0", "tags_text.en^1.25", "notes.en^0.5", "other.en^0.4"],
    }
    assert must["must"][1]["multi_match"]["type"] == "phrase"
    assert must["must_not"][0]["multi_match"]["query"] == "covid"


def test_user_text_with_engine_syntax_stays_a_value():
    dsl = to_dsl(parse({"q": 'title:"a* OR b:c) {x}"'}))
    assert dsl["bool"]["must"][0]["multi_match"]["query"] == "a* OR b:c) {x}"


def test_filters_ranges_bbox_and_lifted_facets():
    query = parse({"fq": "organization:dinkes organization:dlh res_format:CSV metadata_modified:[2024-01-01T00:00:00Z TO *]",
                   "ext_bbox": "112.6,-8.0,112.7,-7.9", "facet.field": '["organization", "tags"]', "facet.limit": 5})
    dsl = to_dsl(query)
    assert {"terms": {"organization": ["dinkes", "dlh"]}} in dsl["bool"]["filter"]
    assert dsl["bool"]["must"][0] == {"range": {"metadata_modified": {"gte": 1704067200, "format": "epoch_second"}}}
    shape = dsl["bool"]["filter"][-1]["geo_shape"]["bbox"]["shape"]
    assert shape["coordinates"] == [[112.6, -7.9], [112.7, -8.0]]
    aggs = to_aggregations(query)
    assert {"terms": {"organization": ["dinkes", "dlh"]}} not in aggs["organization"]["filter"]["bool"]["filter"]
    assert {"terms": {"organization": ["dinkes", "dlh"]}} in aggs["tags"]["filter"]["bool"]["filter"]
    assert aggs["tags"]["aggs"]["values"]["terms"]["size"] == 5


def test_sorts_end_with_id_for_stable_paging():
    assert to_sort(parse({"q": "x"})) == [{"_score": "desc"}, {"metadata_modified": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    assert to_sort(parse({"sort": "title_string asc"})) == [{"title_sort": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]


def test_document_carries_keywords_dates_and_envelope():
    record = corpus_records()["dbd"]
    doc = to_document(record)
    assert doc["region"] == ["35.73.02.1001", "35.73.02", "35.73"]
    assert doc["bbox"] == {"type": "envelope", "coordinates": [[112.62, -7.97], [112.64, -7.99]]}
    assert doc["stamp"] == record["metadata_modified"]
    assert set(doc) <= set(mapping({})["mappings"]["properties"])


def test_recently_updated_sorts_on_the_publishers_date_with_the_record_time_as_fallback():
    assert to_sort(parse({"sort": "modified desc"})) == [{"updated": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    assert mapping({})["mappings"]["properties"]["updated"] == {"type": "date", "format": "epoch_second"}
    dated = to_document({**corpus_records()["dbd"], "modified": "2024-01-28"})
    assert dated["updated"] == dated["modified"] == 1706400000
    undated = to_document({k: v for k, v in corpus_records()["umkm"].items() if k != "modified"})
    assert "modified" not in undated and undated["updated"] == undated["metadata_modified"]
