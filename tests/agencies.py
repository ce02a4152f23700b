"""A realistic multi-agency catalog for the DCAT and publishing tests, built from tests/builders.py."""

from tests.builders import make_dataset, make_organization

AGENCIES = [
    make_organization(),
    make_organization(name="bappeda", title="Badan Perencanaan Pembangunan Daerah", email="bappeda@malangkota.go.id",
                      title_translated={"id": "Bappeda", "en": "Regional Planning Agency"},
                      url="https://bappeda.malangkota.go.id/"),
    make_organization(name="dishub", title="Dinas Perhubungan", email="dishub@malangkota.go.id",
                      title_translated={"id": "Dinas Perhubungan", "en": "Transport Office"},
                      url="https://dishub.malangkota.go.id/"),
    make_organization(name="dispendukcapil", title="Dinas Kependudukan dan Pencatatan Sipil",
                      email="dispendukcapil@malangkota.go.id", title_translated={},
                      url="https://dispendukcapil.malangkota.go.id/"),
]


def agency_datasets() -> list[dict]:
    """Datasets of several agencies, from fully described to sparse, covering every mapped field."""
    return [
        make_dataset(),
        make_dataset(
            name="penduduk-per-kelurahan", owner_org="dispendukcapil", title="Jumlah Penduduk per Kelurahan",
            title_translated={}, notes_translated={},
            notes="Jumlah penduduk menurut jenis kelamin di setiap kelurahan, semester I 2024.",
            theme=["SOCI", "REGI"], frequency="ANNUAL_2", spatial=["35.73.05.1001", "35.73.05.1003"],
            tags=[{"name": "kependudukan"}, {"name": "penduduk"}], unit="jiwa", version="2024-S1",
            publisher=None, contact_point={"name": "Seksi PIAK", "phone": "(0341) 551 234"},
            author="Bidang PIAK", author_email="piak@malangkota.go.id", maintainer="Seksi Data",
            maintainer_email="data.capil@malangkota.go.id", landing_page="https://dispendukcapil.malangkota.go.id/data",
            url="https://satudata.malangkota.go.id/dataset/penduduk", language=["id", "en"], access_level="terbatas",
            license_id="odc-odbl",
            resources=[{"name": "Penduduk 2024 S1", "name_translated": {"id": "Penduduk 2024 S1", "en": "Population 2024 H1"},
                        "description": "Tabel per kelurahan.", "url": "https://satudata.malangkota.go.id/penduduk.xlsx",
                        "download_url": "https://satudata.malangkota.go.id/files/penduduk-2024-s1.xlsx",
                        "format": "XLSX", "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "size": 120_331, "hash": "sha256:" + "3f" * 32, "issued": "2024-07-10",
                        "modified": "2024-07-11T09:30:00", "language": ["id"]}]),
        make_dataset(
            name="rencana-pembangunan", owner_org="bappeda", title="Dokumen RPJMD Kota Malang 2025-2029",
            title_translated={"id": "Dokumen RPJMD Kota Malang 2025-2029", "en": "Medium-Term Development Plan"},
            notes="Rencana Pembangunan Jangka Menengah Daerah.", notes_translated={}, theme=["GOVE"],
            frequency="QUINQUENNIAL", spatial=["35.73"], temporal_start="2025-01-01", temporal_end=None,
            tags=[{"name": "perencanaan"}], license_id="other-closed", issued="2025-02-01T10:00:00+07:00",
            publisher={"name": "Bappeda Kota Malang", "url": "https://bappeda.malangkota.go.id/",
                       "email": "bappeda@malangkota.go.id", "type": "LocalAuthority"},
            contact_point={"email": "bappeda@malangkota.go.id", "url": "https://bappeda.malangkota.go.id/kontak"},
            resources=[{"name": "RPJMD (PDF)", "url": "https://bappeda.malangkota.go.id/rpjmd.pdf", "format": "PDF"},
                       {"name": "Peta (SHP)", "url": "https://bappeda.malangkota.go.id/peta.zip", "format": "SHP",
                        "license_id": "cc-by-4.0"},
                       {"name": "Lampiran", "url": "https://bappeda.malangkota.go.id/lampiran", "format": "Lembar Kerja"}]),
        make_dataset(
            name="volume-lalu-lintas", owner_org="dishub", title="Volume Lalu Lintas Harian", title_translated={},
            notes="Hitungan kendaraan harian di simpang utama.", notes_translated={}, theme=["TRAN"], frequency="DAILY",
            spatial=["35.73.02"], modified="2025-03-01", tags=[], language=[], contact_point=None, publisher=None,
            resources=[{"url": "https://dishub.malangkota.go.id/api/lalulintas", "format": "API"}]),
        make_dataset(name="dataset-tanpa-distribusi", owner_org="dishub", title="Rencana Trayek Angkot",
                     title_translated={}, notes="Trayek angkutan kota yang direncanakan.", notes_translated={},
                     resources=[], spatial=[], theme=[], frequency=None, temporal_start=None, temporal_end=None),
    ]


def fill(catalog) -> list[dict]:
    """Create the agencies and their datasets in ``catalog``; returns the stored records."""
    for organization in AGENCIES:
        catalog.create_organization(organization, actor="test")
    stored = []
    for record in agency_datasets():
        stored.append(catalog.create_dataset({k: v for k, v in record.items() if v is not None}, actor="test"))
    return stored
