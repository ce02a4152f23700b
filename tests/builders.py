"""Small builders of realistic records: plain dicts, overridable field by field."""

import itertools

_counter = itertools.count(1)


def make_organization(**overrides) -> dict:
    """An agency of Kota Malang."""
    record = {
        "name": "dinkes",
        "title": "Dinas Kesehatan",
        "title_translated": {"id": "Dinas Kesehatan", "en": "Health Office"},
        "description": "Dinas Kesehatan Kota Malang menyelenggarakan urusan pemerintahan bidang kesehatan.",
        "url": "https://dinkes.malangkota.go.id/",
        "email": "dinkes@malangkota.go.id",
        "publisher_type": "LocalAuthority",
    }
    record.update(overrides)
    return record


def make_dataset(**overrides) -> dict:
    """A dataset as an agency of Kota Malang would publish it, valid against the schema."""
    n = next(_counter)
    record = {
        "name": f"kasus-demam-berdarah-dengue-per-kecamatan-{n}",
        "title": "Jumlah Kasus Demam Berdarah Dengue (DBD) per Kecamatan",
        "title_translated": {
            "id": "Jumlah Kasus Demam Berdarah Dengue (DBD) per Kecamatan",
            "en": "Dengue Fever Cases by District",
        },
        "notes": "Jumlah kasus DBD yang dilaporkan puskesmas di setiap kecamatan Kota Malang, per bulan.",
        "notes_translated": {
            "id": "Jumlah kasus DBD yang dilaporkan puskesmas di setiap kecamatan Kota Malang, per bulan.",
            "en": "Dengue cases reported by community health centres in each district of Malang, by month.",
        },
        "owner_org": "dinkes",
        "license_id": "cc-by-4.0",
        "tags": [{"name": "kesehatan"}, {"name": "DBD"}, {"name": "puskesmas"}],
        "identifier": f"https://data.malangkota.go.id/dataset/dbd-{n}",
        "issued": "2024-01-15",
        "modified": "2024-12-31T08:00:00",
        "frequency": "MONTHLY",
        "spatial": ["35.73.01", "35.73.02", "35.73.03", "35.73.04", "35.73.05"],
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "theme": ["HEAL"],
        "language": ["id"],
        "contact_point": {"name": "Bidang P2P Dinkes", "email": "p2p.dinkes@malangkota.go.id"},
        "publisher": {"name": "Dinas Kesehatan Kota Malang", "type": "LocalAuthority"},
        "unit": "kasus",
        "access_level": "terbuka",
        "resources": [
            {
                "name": "Kasus DBD 2024 (CSV)",
                "url": "https://data.malangkota.go.id/files/dbd-2024.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": 4821,
            },
            {
                "name": "Kasus DBD 2024 (XLSX)",
                "url": "https://data.malangkota.go.id/files/dbd-2024.xlsx",
                "format": "XLSX",
            },
        ],
    }
    record.update(overrides)
    return record
