"""The contract every search backend passes: subclass ``SearchBackendContract`` and give a ``backend`` fixture."""

import datetime as dt
import uuid

import pytest

from catalog.errors import SearchQueryError
from catalog.search.query import parse
from tests.builders import make_dataset

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _record(key, title, notes, tags, org, formats, record_time, **extra):
    record = make_dataset(
        name=f"{key}-data", title=title, notes=notes, owner_org=org,
        tags=[{"name": t} for t in tags],
        resources=[{"name": f"{title} ({f})", "url": f"https://data.malangkota.go.id/{key}.{f.lower()}", "format": f}
                   for f in formats],
    )
    record.pop("title_translated")
    record.pop("notes_translated")
    record.update(id=str(uuid.uuid5(uuid.NAMESPACE_URL, key)), state="active",
                  metadata_created="2020-01-01T00:00:00", metadata_modified=record_time, **extra)
    return record


def corpus_records() -> dict[str, dict]:
    """Seven datasets of Kota Malang agencies, chosen so each contract case can fail."""
    recent = (NOW - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    records = [
        _record("penduduk", "Jumlah Penduduk per Kecamatan", "Data kependudukan hasil pencatatan Disdukcapil.",
                ["kependudukan", "demografi"], "disdukcapil", ["CSV"], "2024-06-01T10:00:00",
                frequency="ANNUAL", spatial=["35.73.01", "35.73.02"], groups=[{"name": "sosial"}]),
        _record("dbd", "Kasus Demam Berdarah Dengue per Puskesmas", "Jumlah kasus bulanan yang dilaporkan.",
                ["kesehatan", "dbd"], "dinkes", ["CSV", "XLSX"], recent, frequency="MONTHLY",
                spatial=["35.73.02.1001"], spatial_bbox=[112.62, -7.99, 112.64, -7.97]),
        _record("umkm", "Daftar UMKM Binaan", "Usaha mikro kecil menengah yang dibina dinas koperasi.",
                ["ekonomi", "umkm"], "diskopindag", ["XLSX"], "2023-01-01T00:00:00", license_id="cc-by-sa-4.0",
                frequency="ANNUAL", spatial=["35.73"]),
        _record("rth", "Luas Ruang Terbuka Hijau", "Taman kota dan jalur hijau yang dikelola pemerintah kota.",
                ["lingkungan"], "dlh", ["GeoJSON"], "2022-05-05T00:00:00", license_id="cc0-1.0",
                frequency="ANNUAL", spatial=["35.73.03"], spatial_bbox=[112.65, -8.03, 112.70, -7.98],
                groups=[{"name": "lingkungan-hidup"}]),
        _record("sekolah", "Data Sekolah Dasar Negeri", "Daftar sekolah beserta jumlah murid dan guru.",
                ["pendidikan"], "disdik", ["CSV"], "2024-02-02T00:00:00", frequency="ANNUAL",
                spatial=["35.73"], title_translated={"id": "Data Sekolah Dasar Negeri", "en": "Public Primary Schools"}),
        _record("angkot", "Statistik Angkutan Kota", "Rute mikrolet yang berangkat dari terminal Arjosari.",
                ["transportasi", "trayek"], "dishub", ["JSON"], "2021-03-03T00:00:00", frequency="MONTHLY",
                spatial=["35.73.01.1002"], groups=[{"name": "sosial"}]),
        _record("lalin", "Volume Lalu Lintas Harian", "Volume kendaraan dibandingkan jumlah penduduk sekitar.",
                ["transportasi"], "dishub", ["CSV"], "2020-12-12T00:00:00", frequency="DAILY", spatial=["35.73.04"]),
    ]
    return {r["name"].removesuffix("-data"): r for r in records}


class SearchBackendContract:
    """Search behaviour every backend must show; ``backend`` is an empty backend to fill."""

    @pytest.fixture
    def backend(self):
        raise NotImplementedError("subclasses give the backend fixture")

    @pytest.fixture
    def docs(self, backend):
        records = corpus_records()
        backend.index(list(records.values()))
        return records

    def find(self, backend, docs, **params):
        """Names of the datasets found, in order."""
        names = {r["id"]: key for key, r in docs.items()}
        params.setdefault("rows", 100)
        return [names[i] for i in backend.search(parse(params)).ids]

    # -- free text --------------------------------------------------------------------------------

    def test_empty_query_returns_everything(self, backend, docs):
        results = backend.search(parse({}))
        assert results.count == len(docs)

    def test_finds_by_title_word(self, backend, docs):
        assert self.find(backend, docs, q="Angkutan") == ["angkot"]

    def test_finds_by_description_word(self, backend, docs):
        assert self.find(backend, docs, q="mikrolet") == ["angkot"]

    def test_finds_by_tag(self, backend, docs):
        assert self.find(backend, docs, q="demografi") == ["penduduk"]

    def test_words_spread_over_title_tags_and_description_match(self, backend, docs):
        assert self.find(backend, docs, q="angkutan trayek arjosari") == ["angkot"]

    def test_every_word_must_match(self, backend, docs):
        assert self.find(backend, docs, q="sekolah mikrolet") == []

    def test_title_match_ranks_above_description_match(self, backend, docs):
        assert self.find(backend, docs, q="penduduk")[:2] == ["penduduk", "lalin"]

    def test_case_and_accents_are_folded(self, backend, docs):
        assert self.find(backend, docs, q="MIKROLÉT") == ["angkot"]

    def test_quoted_phrase_needs_the_words_in_order(self, backend, docs):
        assert self.find(backend, docs, q='"lalu lintas"') == ["lalin"]
        assert self.find(backend, docs, q='"lintas lalu"') == []

    def test_or(self, backend, docs):
        assert sorted(self.find(backend, docs, q="mikrolet OR taman")) == ["angkot", "rth"]

    def test_minus_and_not_exclude(self, backend, docs):
        assert self.find(backend, docs, q="transportasi -mikrolet") == ["lalin"]
        assert self.find(backend, docs, q="transportasi NOT mikrolet") == ["lalin"]

    def test_parentheses_group(self, backend, docs):
        found = self.find(backend, docs, q="(mikrolet OR taman) AND hijau")
        assert found == ["rth"]

    def test_title_field(self, backend, docs):
        assert self.find(backend, docs, q="title:penduduk") == ["penduduk"]

    def test_notes_field(self, backend, docs):
        assert self.find(backend, docs, q="notes:penduduk") == ["lalin"]

    def test_quoted_field_value(self, backend, docs):
        assert self.find(backend, docs, q='title:"ruang terbuka hijau"') == ["rth"]

    def test_trailing_wildcard(self, backend, docs):
        assert set(self.find(backend, docs, q="mikro*")) == {"angkot", "umkm"}

    def test_abbreviation_finds_the_long_form(self, backend, docs):
        assert self.find(backend, docs, q="rth") == ["rth"]

    def test_long_form_finds_the_abbreviation(self, backend, docs):
        assert "dbd" in self.find(backend, docs, q="dbd")
        assert self.find(backend, docs, q="usaha mikro kecil menengah") == ["umkm"]

    def test_synonym_warga_finds_penduduk(self, backend, docs):
        assert self.find(backend, docs, q="warga")[:1] == ["penduduk"]

    def test_one_typo_in_a_long_word(self, backend, docs):
        assert self.find(backend, docs, q="pendudk")[:1] == ["penduduk"]

    def test_english_metadata_matches_english_words(self, backend, docs):
        assert self.find(backend, docs, q="primary schools") == ["sekolah"]

    # -- filters ----------------------------------------------------------------------------------

    def test_tags_field_is_exact(self, backend, docs):
        assert self.find(backend, docs, fq="tags:transportasi", sort="name asc") == ["angkot", "lalin"]
        assert self.find(backend, docs, fq="tags:transport") == []

    def test_organization_filter(self, backend, docs):
        assert self.find(backend, docs, fq="organization:dinkes") == ["dbd"]

    def test_format_filter(self, backend, docs):
        assert self.find(backend, docs, fq='res_format:"XLSX"', sort="name asc") == ["dbd", "umkm"]

    def test_license_filter(self, backend, docs):
        assert self.find(backend, docs, fq="license_id:cc0-1.0") == ["rth"]

    def test_groups_and_frequency_filters(self, backend, docs):
        assert self.find(backend, docs, fq="groups:sosial frequency:MONTHLY") == ["angkot"]

    def test_multi_select_is_or_within_a_facet(self, backend, docs):
        found = self.find(backend, docs, fq="organization:dinkes organization:dlh", sort="name asc")
        assert found == ["dbd", "rth"]

    def test_selections_across_facets_are_and(self, backend, docs):
        assert self.find(backend, docs, fq="organization:dishub res_format:JSON") == ["angkot"]

    def test_fq_list_adds_filters(self, backend, docs):
        assert self.find(backend, docs, fq_list=["tags:transportasi", "frequency:DAILY"]) == ["lalin"]

    def test_region_filter_includes_kelurahan_of_the_kecamatan(self, backend, docs):
        assert self.find(backend, docs, fq="region:35.73.02", sort="name asc") == ["dbd", "penduduk"]

    def test_id_and_name_fields(self, backend, docs):
        assert self.find(backend, docs, q=f"id:{docs['rth']['id']}") == ["rth"]
        assert self.find(backend, docs, q="name:umkm-data") == ["umkm"]

    def test_modified_since_range(self, backend, docs):
        found = self.find(backend, docs, fq="metadata_modified:[2024-01-01T00:00:00Z TO *]", sort="name asc")
        assert found == ["dbd", "penduduk", "sekolah"]

    def test_relative_range_from_now(self, backend, docs):
        assert self.find(backend, docs, q="metadata_modified:[NOW-7DAYS TO NOW]") == ["dbd"]

    def test_bbox_finds_datasets_whose_geometry_intersects(self, backend, docs):
        assert self.find(backend, docs, ext_bbox="112.60,-8.00,112.63,-7.95") == ["dbd"]
        assert self.find(backend, docs, ext_bbox="100,0,101,1") == []

    # -- facets -----------------------------------------------------------------------------------

    def test_facet_counts(self, backend, docs):
        facets = backend.search(parse({"facet.field": '["organization", "res_format"]'})).facets
        assert dict(facets["organization"])["dishub"] == 2
        assert dict(facets["res_format"]) == {"CSV": 4, "XLSX": 2, "JSON": 1, "GeoJSON": 1}
        assert facets["res_format"][0] == ("CSV", 4)

    def test_facet_counts_follow_the_query(self, backend, docs):
        facets = backend.search(parse({"q": "transportasi", "facet.field": '["organization"]'})).facets
        assert facets["organization"] == [("dishub", 2)]

    def test_facet_counts_lift_their_own_selection(self, backend, docs):
        params = {"fq": "organization:dishub", "facet.field": '["organization", "res_format"]'}
        results = backend.search(parse(params))
        assert results.count == 2
        assert dict(results.facets["organization"])["dinkes"] == 1
        assert dict(results.facets["res_format"]) == {"CSV": 1, "JSON": 1}

    def test_facet_limit_and_mincount(self, backend, docs):
        facets = backend.search(parse({"facet.field": '["tags"]', "facet.limit": 1})).facets
        assert facets["tags"] == [("transportasi", 2)]
        facets = backend.search(parse({"facet.field": '["tags"]', "facet.mincount": 2})).facets
        assert facets["tags"] == [("transportasi", 2)]

    def test_region_facet_counts_parents(self, backend, docs):
        facets = dict(backend.search(parse({"facet.field": '["region"]', "facet.limit": -1})).facets["region"])
        assert facets["35.73.02"] == 2
        assert facets["35.73.02.1001"] == 1
        assert facets["35.73"] == 7

    # -- sorting and paging -----------------------------------------------------------------------

    def test_sort_by_modified(self, backend, docs):
        found = self.find(backend, docs, sort="metadata_modified desc")
        assert found[:3] == ["dbd", "penduduk", "sekolah"] and found[-1] == "lalin"

    def test_recently_updated_sorts_by_the_publishers_date_and_else_the_record_time(self, backend):
        dengue = _record("dbd2023", "Kasus DBD 2023", "Kasus per puskesmas.", ["dbd"], "dinkes", ["CSV"],
                         "2026-12-04T10:00:00", modified="2024-01-28")  # harvested yesterday, changed in January 2024
        fresh = _record("anggaran", "Realisasi Anggaran", "Per triwulan.", ["anggaran"], "bkad", ["XLSX"],
                        "2025-06-02T00:00:00", modified="2025-06-01T08:00:00+07:00")
        undated = _record("pasar", "Daftar Pasar Rakyat", "Pasar milik kota.", ["pasar"], "diskopindag", ["CSV"],
                          "2025-01-15T00:00:00")
        undated.pop("modified")  # the publisher states no date: the record time stands in
        records = {"dbd2023": dengue, "anggaran": fresh, "pasar": undated}
        backend.index(list(records.values()))
        assert self.find(backend, records, sort="modified desc") == ["anggaran", "pasar", "dbd2023"]
        assert self.find(backend, records, sort="modified asc") == ["dbd2023", "pasar", "anggaran"]
        assert self.find(backend, records, sort="metadata_modified desc") == ["dbd2023", "anggaran", "pasar"]

    def test_sort_by_title(self, backend, docs):
        found = self.find(backend, docs, sort="title_string asc")
        assert found == sorted(docs, key=lambda k: docs[k]["title"].casefold())

    def test_sort_by_name(self, backend, docs):
        assert self.find(backend, docs, sort="name desc") == sorted(docs, reverse=True)

    def test_paging_is_stable_and_complete(self, backend, docs):
        pages = [self.find(backend, docs, rows=2, start=s) for s in range(0, 8, 2)]
        assert [len(p) for p in pages] == [2, 2, 2, 1]
        assert sorted(n for p in pages for n in p) == sorted(docs)
        assert pages == [self.find(backend, docs, rows=2, start=s) for s in range(0, 8, 2)]

    def test_rows_zero_still_counts(self, backend, docs):
        results = backend.search(parse({"q": "transportasi", "rows": 0}))
        assert (results.count, results.ids) == (2, [])

    # -- writing ----------------------------------------------------------------------------------

    def test_delete(self, backend, docs):
        backend.delete([docs["rth"]["id"], str(uuid.uuid4())])
        assert self.find(backend, docs, q="taman") == []
        assert backend.search(parse({})).count == 6

    def test_reindex_is_idempotent(self, backend, docs):
        backend.index(list(docs.values()))
        backend.index([docs["rth"]])
        assert backend.search(parse({})).count == 7
        assert self.find(backend, docs, q="taman") == ["rth"]

    def test_update_replaces_the_document(self, backend, docs):
        backend.index([{**docs["rth"], "title": "Luas Hutan Kota", "notes": "hutan"}])
        assert self.find(backend, docs, q="taman") == []
        assert self.find(backend, docs, q="hutan") == ["rth"]

    def test_private_and_withdrawn_records_never_appear(self, backend, docs):
        backend.index([{**docs["rth"], "private": True}, {**docs["umkm"], "state": "withdrawn"}])
        assert self.find(backend, docs, q="taman OR umkm") == []

    def test_clear_and_replace_all(self, backend, docs):
        backend.clear()
        assert backend.search(parse({})).count == 0
        assert backend.replace_all([[docs["rth"]], [docs["umkm"]]]) == 2
        assert sorted(self.find(backend, docs)) == ["rth", "umkm"]

    def test_inventory_lists_ids_with_their_stamps(self, backend, docs):
        assert backend.inventory() == {r["id"]: r["metadata_modified"] for r in docs.values()}

    # -- bad input --------------------------------------------------------------------------------

    @pytest.mark.parametrize("params", [
        {"q": "title:(unclosed"}, {"q": "unknownfield:x"}, {"q": "pen?duduk"}, {"sort": "popularity desc"},
        {"fq": "metadata_modified:[yesterday TO *]"}, {"facet.field": '["notes"]'}, {"rows": "-1"},
        {"ext_bbox": "1,2,3"},
    ])
    def test_bad_input_is_a_search_query_error(self, backend, docs, params):
        with pytest.raises(SearchQueryError):
            backend.search(parse(params))
