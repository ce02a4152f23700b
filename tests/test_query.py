"""CKAN package_search parameters -> Query: every supported feature, and a clear error for the rest."""

import datetime as dt

import pytest

from catalog.errors import SearchQueryError
from catalog.search import DEFAULT_SORT, All, And, Not, Or, Phrase, Range, Term
from catalog.search.query import MAX_ROWS, parse

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)


def q(text):
    return parse({"q": text}, now=NOW).match


def test_defaults():
    query = parse({})
    assert (query.match, query.where, query.filters, query.bbox) == (None, None, (), None)
    assert (query.rows, query.start, query.sort, query.facet_fields) == (10, 0, DEFAULT_SORT, ())
    assert (query.facet_limit, query.facet_mincount) == (50, 1)


@pytest.mark.parametrize("text", ["", "   ", "*:*"])
def test_empty_and_match_all_queries(text):
    assert parse({"q": text}).match is None


def test_words_are_all_required():
    assert q("data warga") == And((Term("text", "data"), Term("text", "warga")))


def test_phrases_and_boolean_operators():
    assert q('"demam berdarah" OR dbd') == Or((Phrase("text", "demam berdarah"), Term("text", "dbd")))
    assert q("a AND b") == q("a && b") == q("a b") == q("+a +b")
    assert q("a -b") == q("a NOT b") == And((Term("text", "a"), Not(Term("text", "b"))))
    assert q("!a") == Not(Term("text", "a"))


def test_or_binds_looser_than_and_and_parentheses_group():
    assert q("a b OR c") == Or((And((Term("text", "a"), Term("text", "b"))), Term("text", "c")))
    assert q("a (b OR c)") == And((Term("text", "a"), Or((Term("text", "b"), Term("text", "c")))))


def test_field_values():
    assert q("tags:kesehatan") == Term("tags", "kesehatan")
    assert q('title:"jumlah penduduk"') == Phrase("title", "jumlah penduduk")
    assert q('organization:"dinas kesehatan"') == Term("organization", "dinas kesehatan")
    assert q("res_format:(CSV OR XLSX)") == Or((Term("res_format", "CSV"), Term("res_format", "XLSX")))


def test_trailing_wildcard():
    assert q("pendu*") == Term("text", "pendu", prefix=True)
    assert q("tags:kese*") == Term("tags", "kese", prefix=True)


def test_backslash_escapes_keep_characters_literal():
    assert q(r"covid\-19") == Term("text", "covid-19")
    assert q(r"a\*") == Term("text", "a*")


def test_ranges_with_dates_and_now():
    assert q("metadata_modified:[2024-01-01T00:00:00Z TO *]") == Range("metadata_modified", "2024-01-01T00:00:00Z", None)
    assert q("metadata_modified:[NOW-7DAYS TO NOW]") == Range("metadata_modified", "2025-03-03T12:00:00Z", "2025-03-10T12:00:00Z")
    assert q("issued:[* TO 2024-06-30]") == Range("issued", None, "2024-06-30T00:00:00Z")
    assert q("metadata_created:[NOW-1YEAR TO NOW/DAY]").low == "2024-03-10T12:00:00Z"
    assert q("modified:2024-05-01") == Range("modified", "2024-05-01T00:00:00Z", "2024-05-01T00:00:00Z")


def test_fq_facet_selections_become_filters_and_the_rest_where():
    query = parse({"fq": 'organization:dinkes tags:"DBD" organization:dlh title:penduduk', "fq_list": '["res_format:CSV"]'})
    assert query.filters == (("organization", ("dinkes", "dlh")), ("res_format", ("CSV",)), ("tags", ("DBD",)))
    assert query.where == Term("title", "penduduk")


def test_fq_list_accepts_a_list():
    assert parse({"fq_list": ["tags:a", "tags:b"]}).filters == (("tags", ("a", "b")),)


def test_sort_rows_start_and_facets():
    query = parse({"sort": "metadata_modified desc, name asc", "rows": "20", "start": 40,
                   "facet.field": '["tags", "region"]', "facet.limit": "-1", "facet.mincount": "0"})
    assert query.sort == (("metadata_modified", "desc"), ("name", "asc"))
    assert (query.rows, query.start, query.facet_fields, query.facet_limit, query.facet_mincount) == (
        20, 40, ("tags", "region"), -1, 0)


def test_rows_are_capped():
    assert parse({"rows": 50_000}).rows == MAX_ROWS


def test_bbox():
    assert parse({"ext_bbox": "112.5,-8.1,112.8,-7.8"}).bbox == (112.5, -8.1, 112.8, -7.8)


def test_match_all_field_form():
    assert q("*:* AND tags:a") == And((All(), Term("tags", "a")))


@pytest.mark.parametrize("params, named", [
    ({"q": "colour:red"}, "unknown field 'colour'"),
    ({"q": "(a OR b"}, "'(' is not closed"),
    ({"q": "a)"}, "unexpected ')'"),
    ({"q": "pen*duk"}, "only a trailing * wildcard"),
    ({"q": "a?"}, "only a trailing * wildcard"),
    ({"q": "a~2"}, "fuzzy (~) and boost (^) syntax is not supported"),
    ({"q": "title:a^3"}, "fuzzy (~) and boost (^) syntax is not supported"),
    ({"q": "OR a"}, "unexpected 'OR'"),
    ({"q": "title:"}, "no value after title:"),
    ({"q": "tags:[a TO b]"}, "ranges work on date fields"),
    ({"q": "metadata_modified:{2024-01-01 TO *}"}, "only inclusive ranges"),
    ({"q": "metadata_modified:[soon TO *]"}, "not a date: 'soon'"),
    ({"q": "organization:din*"}, "no wildcard on the field organization"),
    ({"q": '""'}, "empty quoted phrase"),
    ({"q": "(" * 30 + "a" + ")" * 30}, "too many nested parentheses"),
    ({"q": "x" * 3000}, "longer than 2000"),
    ({"q": 5}, "q must be a string"),
    ({"sort": "score"}, "Cannot sort by 'score'"),
    ({"sort": "views desc"}, "Cannot sort by 'views desc'"),
    ({"rows": "ten"}, "rows must be an integer"),
    ({"start": -1}, "start must be between"),
    ({"facet.field": "tags"}, "must be a JSON list"),
    ({"facet.field": '["notes"]'}, "Cannot facet on 'notes'"),
    ({"facet.limit": "-2"}, "facet.limit must be at least -1"),
    ({"ext_bbox": "1,2,3"}, "ext_bbox must be four numbers"),
    ({"ext_bbox": "10,0,5,1"}, "ext_bbox is out of range"),
    ({"fq_list": "[1]"}, "fq_list must be a list of strings"),
    ({"defType": "edismax"}, "Unknown search parameter: defType"),
])
def test_what_is_not_understood_is_named(params, named):
    with pytest.raises(SearchQueryError) as caught:
        parse(params, now=NOW)
    if named:
        assert named in caught.value.message
