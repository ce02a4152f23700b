"""Seed tables of the demo: Kota Malang's agencies and the statistics each of them publishes.

Each topic is (title, unit, theme, frequency, keywords, resource formats); the generator makes one
dataset per topic and year, broken down per kecamatan.
"""

YEARS = range(2017, 2025)

# name, title, how the agency publishes (ckan, datajson or dcat), e-mail desk
AGENCIES = [
    ("diskominfo", "Dinas Komunikasi dan Informatika", "ckan", "kominfo"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", "ckan", "bappeda"),
    ("dinkes", "Dinas Kesehatan", "ckan", "dinkes"),
    ("dispendukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "datajson", "dispendukcapil"),
    ("disnaker-pmptsp", "Dinas Tenaga Kerja, Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "datajson",
     "disnakerpmptsp"),
    ("dishub", "Dinas Perhubungan", "ckan", "dishub"),
    ("dlh", "Dinas Lingkungan Hidup", "dcat", "dlh"),
    ("diskopindag", "Dinas Koperasi, Perindustrian dan Perdagangan", "datajson", "diskopindag"),
    ("disdikbud", "Dinas Pendidikan dan Kebudayaan", "ckan", "disdikbud"),
    ("bpkad", "Badan Pengelola Keuangan dan Aset Daerah", "dcat", "bpkad"),
    ("bapenda", "Badan Pendapatan Daerah", "dcat", "bapenda"),
    ("dinsos-p3ap2kb", "Dinas Sosial, Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan "
     "Keluarga Berencana", "datajson", "dinsosp3ap2kb"),
    ("dpuprpkp", "Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman", "ckan", "dpuprpkp"),
    ("disporapar", "Dinas Kepemudaan, Olahraga dan Pariwisata", "dcat", "disporapar"),
    ("satpol-pp", "Satuan Polisi Pamong Praja", "datajson", "satpolpp"),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", "dcat", "bpbd"),
    ("dispangtan", "Dinas Ketahanan Pangan dan Pertanian", "ckan", "dispangtan"),
]

TOPICS = {
    "diskominfo": [
        ("Jumlah Titik Wi-Fi Publik", "titik", "TECH", "ANNUAL", ["wifi", "internet", "smart city"], "CSV XLSX"),
        ("Jumlah Aduan Masyarakat melalui SAMBAT Online", "aduan", "GOVE", "MONTHLY", ["aduan", "sambat"], "CSV PDF"),
        ("Jumlah Menara Telekomunikasi", "menara", "TECH", "ANNUAL", ["telekomunikasi", "menara"], "XLSX"),
    ],
    "bappeda": [
        ("Indeks Pembangunan Manusia", "indeks", "ECON", "ANNUAL", ["ipm", "pembangunan"], "XLSX PDF"),
        ("Realisasi Program Musrenbang", "usulan", "GOVE", "ANNUAL", ["musrenbang", "perencanaan"], "CSV PDF"),
    ],
    "dinkes": [
        ("Jumlah Kasus Demam Berdarah Dengue (DBD)", "kasus", "HEAL", "MONTHLY", ["dbd", "kesehatan"], "CSV XLSX"),
        ("Cakupan Imunisasi Dasar Lengkap", "persen", "HEAL", "ANNUAL", ["imunisasi", "balita"], "CSV PDF"),
        ("Jumlah Balita Stunting", "balita", "HEAL", "QUARTERLY", ["stunting", "gizi"], "XLSX PDF"),
    ],
    "dispendukcapil": [
        ("Jumlah Penduduk menurut Jenis Kelamin", "jiwa", "SOCI", "ANNUAL_2", ["penduduk", "kependudukan"], "CSV XLSX"),
        ("Jumlah Kepemilikan KTP Elektronik", "jiwa", "GOVE", "ANNUAL", ["ktp-el", "adminduk"], "CSV"),
        ("Jumlah Akta Kelahiran yang Diterbitkan", "akta", "GOVE", "MONTHLY", ["akta kelahiran", "adminduk"], "CSV PDF"),
    ],
    "disnaker-pmptsp": [
        ("Jumlah Pencari Kerja Terdaftar", "orang", "ECON", "ANNUAL", ["tenaga kerja", "pencari kerja"], "CSV XLSX"),
        ("Jumlah Izin Usaha yang Diterbitkan", "izin", "ECON", "MONTHLY", ["perizinan", "investasi"], "XLSX PDF"),
    ],
    "dishub": [
        ("Jumlah Kendaraan Uji KIR", "kendaraan", "TRAN", "ANNUAL", ["kir", "kendaraan"], "CSV XLSX"),
        ("Jumlah Titik Parkir Tepi Jalan Umum", "titik", "TRAN", "ANNUAL", ["parkir", "lalu lintas"], "CSV PDF"),
    ],
    "dlh": [
        ("Volume Sampah Terangkut ke TPA Supit Urang", "ton", "ENVI", "MONTHLY", ["sampah", "tpa"], "CSV XLSX"),
        ("Luas Ruang Terbuka Hijau Publik", "hektare", "ENVI", "ANNUAL", ["rth", "taman"], "XLSX PDF"),
        ("Jumlah Bank Sampah Aktif", "unit", "ENVI", "ANNUAL", ["bank sampah", "lingkungan"], "CSV"),
    ],
    "diskopindag": [
        ("Jumlah Koperasi Aktif", "koperasi", "ECON", "ANNUAL", ["koperasi", "umkm"], "CSV XLSX"),
        ("Jumlah Pedagang Pasar Rakyat", "pedagang", "ECON", "ANNUAL", ["pasar", "perdagangan"], "XLSX PDF"),
    ],
    "disdikbud": [
        ("Jumlah Sekolah Dasar Negeri dan Swasta", "sekolah", "EDUC", "ANNUAL", ["sekolah", "pendidikan"], "CSV XLSX"),
        ("Angka Partisipasi Murni SMP", "persen", "EDUC", "ANNUAL", ["apm", "smp"], "CSV PDF"),
        ("Jumlah Cagar Budaya", "objek", "EDUC", "ANNUAL", ["cagar budaya", "kebudayaan"], "XLSX PDF"),
    ],
    "bpkad": [
        ("Realisasi Belanja Daerah", "rupiah", "GOVE", "ANNUAL", ["apbd", "belanja"], "XLSX PDF"),
        ("Jumlah Aset Tanah Milik Pemerintah Kota", "bidang", "GOVE", "ANNUAL", ["aset", "tanah"], "CSV XLSX"),
    ],
    "bapenda": [
        ("Realisasi Pajak Bumi dan Bangunan (PBB-P2)", "rupiah", "GOVE", "MONTHLY", ["pbb", "pajak"], "CSV XLSX"),
        ("Jumlah Wajib Pajak Hotel dan Restoran", "wajib pajak", "ECON", "ANNUAL", ["pajak", "restoran"], "CSV PDF"),
    ],
    "dinsos-p3ap2kb": [
        ("Jumlah Penerima Program Keluarga Harapan", "keluarga", "SOCI", "QUARTERLY", ["pkh", "bansos"], "CSV XLSX"),
        ("Jumlah Kasus Kekerasan terhadap Perempuan dan Anak", "kasus", "JUST", "ANNUAL", ["kekerasan", "anak"], "PDF"),
        ("Jumlah Peserta KB Aktif", "peserta", "HEAL", "ANNUAL", ["kb", "keluarga berencana"], "CSV XLSX"),
    ],
    "dpuprpkp": [
        ("Panjang Jalan Kota menurut Kondisi", "kilometer", "TRAN", "ANNUAL", ["jalan", "infrastruktur"], "CSV XLSX"),
        ("Jumlah Rumah Tidak Layak Huni yang Diperbaiki", "rumah", "REGI", "ANNUAL", ["rtlh", "perumahan"], "XLSX PDF"),
    ],
    "disporapar": [
        ("Jumlah Kunjungan Wisatawan", "orang", "ECON", "MONTHLY", ["pariwisata", "wisatawan"], "CSV XLSX"),
        ("Jumlah Fasilitas Olahraga", "unit", "SOCI", "ANNUAL", ["olahraga", "fasilitas"], "CSV PDF"),
    ],
    "satpol-pp": [
        ("Jumlah Penertiban Pedagang Kaki Lima", "kegiatan", "JUST", "MONTHLY", ["pkl", "ketertiban"], "CSV"),
        ("Jumlah Pelanggaran Peraturan Daerah", "pelanggaran", "JUST", "ANNUAL", ["perda", "ketertiban"], "CSV PDF"),
    ],
    "bpbd": [
        ("Jumlah Kejadian Bencana", "kejadian", "ENVI", "MONTHLY", ["bencana", "banjir"], "CSV XLSX"),
        ("Jumlah Kelurahan Tangguh Bencana", "kelurahan", "GOVE", "ANNUAL", ["destana", "kesiapsiagaan"], "XLSX PDF"),
    ],
    "dispangtan": [
        ("Luas Panen Padi", "hektare", "AGRI", "ANNUAL", ["padi", "pertanian"], "CSV XLSX"),
        ("Jumlah Populasi Ternak", "ekor", "AGRI", "ANNUAL", ["ternak", "peternakan"], "CSV PDF"),
    ],
}
