"""Text helpers of the pages: highlighting after escaping, snippets, Markdown sanitising, labels."""

from catalog.web import text


def test_highlight_escapes_first_then_marks():
    html = text.highlight('<b onclick="x">Sekolah</b> & sekolah', ["sekolah"])
    assert str(html) == ('&lt;b onclick=&#34;x&#34;&gt;<mark>Sekolah</mark>&lt;/b&gt; &amp; <mark>sekolah</mark>')


def test_highlight_never_splits_an_entity():
    assert str(text.highlight("A & B", ["amp"])) == "A &amp; B"
    assert str(text.highlight("<x>", ["lt", "gt"])) == "&lt;x&gt;"


def test_query_words_drop_operators_fields_and_punctuation():
    assert text.query_words('sekolah AND tags:pendidikan "dasar negeri" -x') == ["sekolah", "pendidikan", "dasar", "negeri"]


def test_snippet_is_cut_around_the_first_match():
    body = "awal " * 100 + "banjir di Sukun " + "akhir " * 100
    html = str(text.snippet(body, ["banjir"]))
    assert "<mark>banjir</mark>" in html and html.startswith("… ") and html.endswith(" …")
    assert len(html) < text.SNIPPET_LENGTH + 40


def test_markdown_keeps_formatting_and_drops_scripts_and_javascript_links():
    html = str(text.render_markdown('# Judul\n\n**tebal** [tautan](https://x.example) [jahat](javascript:alert(1))'
                                    '\n\n<iframe src="https://x"></iframe><script>alert(1)</script>'))
    assert "<h2>Judul</h2>" in html and "<strong>tebal</strong>" in html
    assert 'href="https://x.example"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "javascript" not in html and "<script" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_localized_prefers_the_language_and_falls_back():
    record = {"title": "Judul", "title_translated": {"en": "Title"}}
    assert text.localized(record, "title", "en") == "Title"
    assert text.localized(record, "title", "id") == "Judul"


def test_labels_of_vocabularies_regions_years_and_sizes():
    assert text.vocabulary_label("frequency", "MONTHLY", "id") == "Bulanan"
    assert text.vocabulary_label("frequency", "MONTHLY", "en") == "Monthly"
    assert text.vocabulary_label("theme", "NOPE", "en") == "NOPE"
    assert text.region_label("35.73") == "Kota Malang"
    assert text.region_label("35.73.02") == "Klojen (kecamatan)"
    assert text.years({"temporal_start": "2020-01-01", "temporal_end": "2024-12-31"}) == "2020–2024"
    assert text.years({"temporal_start": "2024-01-01"}) == "2024"
    assert text.human_size(512) == "512 B" and text.human_size(4821) == "4.7 KB"
    assert text.human_size(3 * 1024**3) == "3.0 GB" and text.human_size(None) == ""


def test_plain_text_keeps_the_words_of_markdown():
    source = "## Data\n\n* **Jumlah** kasus [DBD](https://x.example) per `kecamatan` & <b>kelurahan</b>\n> catatan"
    assert text.plain_text(source) == "Data Jumlah kasus DBD per kecamatan & kelurahan catatan"
