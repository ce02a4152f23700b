"""Folding, the light stemmer, the synonyms file and query slots."""

from catalog.search.analysis import Analyzer, fold, light_stem, read_synonyms, snowball_stem, words
from catalog.search.embedded import EmbeddedBackend
from catalog.search.query import parse
from tests.contracts.search import corpus_records


def test_fold_and_words():
    assert fold("Kesehatan ÍBU & Anak") == "kesehatan ibu & anak"
    assert words("COVID-19, Straße_Café") == ["covid", "19", "strasse", "cafe"]


def test_light_stemmer_only_removes_nya():
    assert [light_stem(w) for w in ("datanya", "sekolah", "penduduk", "punya", "kependudukannya")] == [
        "data", "sekolah", "penduduk", "punya", "kependudukan"]


def test_snowball_over_stems_the_words_citizens_type():
    assert snowball_stem("sekolah") == "seko" and snowball_stem("penduduk") == "duduk"


def test_shipped_synonyms_cover_city_abbreviations():
    table = read_synonyms(None)
    assert ("demam", "berdarah", "dengue") in table[("dbd",)]
    assert ("usaha", "mikro", "kecil", "menengah") in table[("umkm",)]
    assert ("penduduk",) in table[("warga",)]
    assert ("ruang", "terbuka", "hijau") in table[("rth",)]
    assert ("kependudukan",) in table[("disdukcapil",)]


def test_slots_join_multi_word_entries():
    analyzer = Analyzer("light", read_synonyms(None))
    slots = analyzer.slots(["demam", "berdarah", "datanya"])
    assert len(slots) == 2
    assert ("dbd",) in slots[0] and slots[1] == [("data",)]
    assert analyzer.is_filler(slots[1])


def test_an_operator_synonyms_file_replaces_the_shipped_one(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# ours\nmikrolet, angkot, bemo\n", "utf-8")
    backend = EmbeddedBackend.from_config({"HOME": str(tmp_path), "SEARCH_SYNONYMS": str(path)})
    records = corpus_records()
    backend.index(list(records.values()))
    assert backend.search(parse({"q": "bemo"})).ids == [records["angkot"]["id"]]
    assert backend.search(parse({"q": "rth"})).ids == []
    backend.close()
