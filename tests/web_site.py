"""A small, realistic site for the page tests, the browser tests and the screenshots."""

from tests.builders import make_dataset, make_organization

XSS = '<script>alert("xss")</script><img src=x onerror="alert(1)"> **tebal**'


def fill(catalog, *, file_url: str = "https://data.malangkota.go.id/files/dbd-2024.csv") -> dict:
    """Two agencies and four datasets (one with a script in its description); returns their names."""
    catalog.create_organization(make_organization(), actor="test")
    catalog.create_organization(make_organization(
        name="dispendik", title="Dinas Pendidikan",
        title_translated={"id": "Dinas Pendidikan", "en": "Education Office"},
        description="Dinas Pendidikan Kota Malang.", email="dispendik@malangkota.go.id",
    ), actor="test")
    dengue = catalog.create_dataset(make_dataset(
        name="kasus-dbd-per-kecamatan",
        resources=[
            {"name": "Kasus DBD 2024 (CSV)", "url": file_url, "format": "CSV", "mimetype": "text/csv", "size": 4821},
            {"name": "Kasus DBD 2024 (PDF)", "url": "https://data.malangkota.go.id/files/dbd-2024.pdf", "format": "PDF"},
        ],
    ), actor="test")
    schools = catalog.create_dataset(make_dataset(
        name="jumlah-sekolah-dasar", owner_org="dispendik",
        title="Jumlah Sekolah Dasar per Kecamatan",
        title_translated={"id": "Jumlah Sekolah Dasar per Kecamatan", "en": "Primary Schools by District"},
        notes="Jumlah sekolah dasar negeri dan swasta di Kota Malang.",
        notes_translated={"id": "Jumlah sekolah dasar negeri dan swasta di Kota Malang.",
                          "en": "Public and private primary schools in Malang."},
        tags=[{"name": "pendidikan"}, {"name": "sekolah"}], theme=["EDUC"], frequency="ANNUAL", unit="sekolah",
        resources=[{"name": "Sekolah dasar (XLSX)", "url": "https://data.malangkota.go.id/files/sd.xlsx",
                    "format": "XLSX"}],
    ), actor="test")
    teachers = catalog.create_dataset(make_dataset(
        name="jumlah-guru", owner_org="dispendik", title="Jumlah Guru Sekolah Dasar",
        title_translated={"id": "Jumlah Guru Sekolah Dasar", "en": "Primary School Teachers"},
        notes="Guru sekolah dasar per kecamatan.", notes_translated=None,
        tags=[{"name": "pendidikan"}], theme=["EDUC"],
    ), actor="test")
    hostile = catalog.create_dataset(make_dataset(
        name="data-dengan-skrip", title="Data Puskesmas dari Sumber Luar", title_translated=None,
        notes=XSS, notes_translated=None, tags=[{"name": "puskesmas"}],
    ), actor="test")
    return {"dengue": dengue, "schools": schools, "teachers": teachers, "hostile": hostile}
