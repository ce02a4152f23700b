"""The catalog façade and the only writer: validate, then store with a revision, then index.

Every write names an ``actor`` (``user:NAME``, ``harvest:JOB_ID``, ``cli``) that the revision log keeps.
"""

import copy
import functools
import hashlib
import logging
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from catalog import files, indexing, links, schemas, soundness
from catalog.accounts import Accounts
from catalog.config import setting
from catalog.diff import diff
from catalog.errors import CatalogError, ConflictError, NotFound, ValidationError
from catalog.search import SearchBackend, open_backend
from catalog.store import Store, StoreTx, isoformat, new_id, now
from catalog.store.common import looks_like_id

log = logging.getLogger(__name__)

SYSTEM_FIELDS = ("id", "uri", "state", "metadata_created", "metadata_modified", "harvest")
NAME_TAKEN = "That URL is already in use."


def _copy(value):
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times cheaper than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return copy.deepcopy(value) if isinstance(value, (set, tuple)) else value


def _clean(data: dict, drop=()) -> dict:
    """A deep copy of ``data`` without None values and without the keys in ``drop``."""
    return {k: _copy(v) for k, v in data.items() if v is not None and k not in drop}


def _fill_default_language(record: dict, language: str) -> None:
    for field in ("title", "notes"):
        translated = record.get(f"{field}_translated") or {}
        if not record.get(field) and translated.get(language):
            record[field] = translated[language]


def _check(record: dict, kind: str) -> None:
    errors = schemas.validate(record, kind)
    if errors:
        raise ValidationError(errors)


def _free_names(tx: StoreTx, wanted: list[tuple[str, str]], source_name: str) -> list[str]:
    """Distinct names for new datasets of one source, given as (wanted name, remote id), with one query.

    Each gets its wanted name if free, else the same tagged with the source's name, else with a
    digest of its remote id; names given earlier in the list count as taken for later ones.
    """
    def tagged(name: str) -> str:
        return f"{name[:99 - len(source_name)]}-{source_name}"

    taken = tx.names_taken([n for name, _ in wanted for n in (name, tagged(name))])
    names = []
    for name, remote_id in wanted:
        free = [n for n in (name, tagged(name)) if n not in taken]
        chosen = free[0] if free else f"{name[:91]}-{hashlib.sha256(remote_id.encode()).hexdigest()[:8]}"
        taken.add(chosen)
        names.append(chosen)
    return names


def _own_resources(resources: list, old: list, stamp: str, created=(), uploaded=()) -> None:
    """Give ``resources`` the ids and ``url_type`` only the server may set, in place.

    A resource keeps a sent id only when it is a resource of the same dataset, or one the server
    itself just chose (``created``), and only once; else
    it takes the id of an unclaimed old resource with the same URL (a client that sends no ids
    keeps them stable), else a new one. ``url_type: upload`` stays only on a resource whose file
    the upload path just stored (``uploaded``) or that was already that upload, unchanged.
    """
    previous = {r["id"]: r for r in old if isinstance(r, dict) and isinstance(r.get("id"), str)}
    claimed = set()
    for resource in resources:
        if (resource.get("id") in previous or resource.get("id") in created) and resource["id"] not in claimed:
            claimed.add(resource["id"])
        else:
            resource.pop("id", None)
    for resource in resources:
        if "id" not in resource:
            same_url = (i for i, r in previous.items() if i not in claimed and r.get("url") == resource.get("url"))
            resource["id"] = next(same_url, None) or new_id()
            claimed.add(resource["id"])
        before = previous.get(resource["id"], {})
        kept = before.get("url_type") == "upload" and before.get("url") == resource.get("url")
        if resource["id"] in uploaded or kept:
            resource["url_type"] = "upload"
        else:
            resource.pop("url_type", None)
        resource["created"] = before.get("created", stamp)


def _organization(tx: StoreTx, key: str, cache: dict | None):
    """The organization row with id or name ``key``, looked up once per ``cache``."""
    if cache is None:
        return tx.organization_row(key)
    if key not in cache:
        cache[key] = tx.organization_row(key)
    return cache[key]


class Catalog:
    """Datasets, organizations and their history, kept in the store and mirrored to the search index."""

    def __init__(self, config: dict, store: Store, backend: SearchBackend):
        self.config = config
        self.store = store
        self.backend = backend
        self.accounts = Accounts(store)
        self.auto_index = True

    @classmethod
    def open(cls, config: dict) -> "Catalog":
        """A catalog on the store and search backend that ``config`` names."""
        return cls(config, Store.from_config(config), open_backend(config))

    def close(self) -> None:
        self.backend.close()
        self.store.close()

    def init(self) -> indexing.Drift:
        """Create or migrate the database, index what the outbox names, then repair index drift."""
        self.store.migrate()
        with self.store.reading() as tx:
            files.adopt_earlier_layout(self.config["HOME"], tx.iter_datasets(states=("active", "withdrawn")))
        return self.repair_index_on_start() or indexing.Drift()

    # -- search index ---------------------------------------------------------------------

    def sync_index(self, progress=None) -> int:
        """Index the datasets written since the last sync; returns how many outbox entries were handled."""
        return indexing.drain_outbox(self.store, self.backend, progress=progress, lock=self.index_lock_path)

    @property
    def index_lock_path(self) -> Path:
        """The file whose lock makes one process at a time the search index writer."""
        return Path(self.config["HOME"]) / "search" / "writer.lock"

    def check_index(self, fix: bool = True) -> indexing.Drift:
        """Compare store and search index; with ``fix``, re-index or delete what differs."""
        return indexing.check(self.store, self.backend, fix=fix, lock=self.index_lock_path)

    def repair_index_on_start(self) -> indexing.Drift | None:
        """At app start: drain the outbox and fix drift when the database is ready; never fails the start."""
        try:
            if not self.store.is_current():
                return None
            self.sync_index()
            drift = self.check_index()
        except CatalogError as error:
            log.warning("search index not checked at start: %s", error.message)
            return None
        except Exception:  # the index is derived: whatever went wrong, the catalog still starts
            log.exception("search index not checked at start; `catalog index rebuild` recreates it")
            return None
        if drift.total:
            log.warning(drift.summary())
        return drift

    def rebuild_index(self, progress=None) -> int:
        """Recreate the search index from the store; returns how many datasets were indexed."""
        return indexing.rebuild(self.store, self.backend, progress=progress, lock=self.index_lock_path)

    def _after_write(self) -> None:
        if not self.auto_index:
            return
        try:
            self.sync_index()
        except CatalogError as error:
            # The outbox keeps the entries, so the next sync (or `catalog index rebuild`) catches up.
            log.warning("search index not updated yet: %s", error.message)

    # -- organizations --------------------------------------------------------------------

    def get_organization(self, key: str) -> dict:
        """The organization with id or name ``key``; NotFound otherwise."""
        with self.store.reading() as tx:
            record = tx.get_organization(key)
        if record is None:
            raise NotFound(f"Organization not found: {key}")
        return record

    def list_organizations(self) -> list[dict]:
        """Active organizations, by name."""
        with self.store.reading() as tx:
            return tx.list_organizations()

    def find_organizations(self, q: str = "") -> list[dict]:
        """Active organizations whose name or title (in any language) holds every word of ``q``, by name.

        Words match case- and accent-insensitively, and as the start of a word ("pendid" finds
        "Dinas Pendidikan"); an empty ``q`` gives every active organization.
        """
        from catalog.search.analysis import words

        wanted = words(q)
        found = []
        for organization in self.list_organizations():
            texts = [organization["name"], organization.get("title") or "",
                     *(organization.get("title_translated") or {}).values()]
            have = {w for text in texts for w in words(text.replace("-", " "))}
            if all(any(h.startswith(w) for h in have) for w in wanted):
                found.append(organization)
        return found

    def published_counts(self) -> dict[str, int]:
        """How many active, public datasets each active organization (by name) publishes, counted in the store.

        One grouped query, no search engine: what pages show when search is unavailable.
        """
        with self.store.reading() as tx:
            by_id = tx.organization_dataset_counts()
            return {o["name"]: by_id.get(o["id"], 0) for o in tx.list_organizations()}

    def create_organization(self, data: dict, actor: str) -> dict:
        """Validate and store a new organization."""
        record = schemas.with_encoded_urls(_clean(data, drop=("id", "state", "created")), "organization")
        _check(record, "organization")
        record.update(id=new_id(), state="active", created=isoformat(now()))
        with self.store.writing() as tx:
            if tx.organization_row(record["name"]):
                raise ValidationError({"name": ["Organization name already exists in database"]})
            tx.insert_organization(record)
            tx.add_revision("organization", record["id"], "create", actor, record)
        return record

    def update_organization(self, key: str, data: dict, actor: str) -> dict:
        """Replace an organization's fields (its id, name and state stay)."""
        with self.store.writing() as tx:
            row = tx.organization_row(key, for_update=True)
            if row is None:
                raise NotFound(f"Organization not found: {key}")
            record = schemas.with_encoded_urls(_clean(data, drop=("id", "state", "created")), "organization")
            record.setdefault("name", row.name)
            if record["name"] != row.name:
                raise ValidationError({"name": ["An organization cannot be renamed"]})
            _check(record, "organization")
            record.update(id=row.id, state=row.state, created=row.data.get("created"))
            tx.update_organization(record)
            tx.add_revision("organization", record["id"], "update", actor, record)
        return record

    # -- datasets -------------------------------------------------------------------------

    def get_dataset(self, key: str) -> dict:
        """The dataset with id or name ``key``, in any state; NotFound otherwise."""
        with self.store.reading() as tx:
            record = tx.get_dataset(key)
        if record is None:
            raise NotFound(f"Dataset not found: {key}")
        return record

    def create_dataset(self, data: dict, actor: str) -> dict:
        """Validate and store a new dataset."""
        with self.store.writing() as tx:
            record = self._prepare(tx, data, existing=None)
            if tx.name_taken(record["name"]):
                raise ValidationError({"name": [NAME_TAKEN]})
            self._write(tx, record, None, "create", actor)
        self._after_write()
        return record

    def update_dataset(self, key: str, data: dict, actor: str, **resources) -> dict:
        """Replace a dataset's content with ``data`` (CKAN's package_update)."""
        with self.store.writing() as tx:
            row = self._locked_dataset(tx, key)
            existing = self._existing(row)
            record = self._prepare(tx, data, existing=existing, **resources)
            self._write(tx, record, row, "update", actor)
        self._set_aside_files(existing, record)
        self._after_write()
        return record

    def patch_dataset(self, key: str, changes: dict, actor: str, **resources) -> dict:
        """Change only the given top-level fields of a dataset (CKAN's package_patch).

        The resource actions pass ``created`` (ids they chose for new resources) and ``uploaded``
        (resources whose file they stored): only those, and unchanged earlier uploads, are uploads.
        """
        with self.store.writing() as tx:
            row = self._locked_dataset(tx, key)
            existing = self._existing(row)
            record = self._prepare(tx, {**existing, **changes}, existing=existing, **resources)
            self._write(tx, record, row, "update", actor)
        self._set_aside_files(existing, record)
        self._after_write()
        return record

    def _set_aside_files(self, before: dict, after: dict) -> None:
        """Move the files of uploads that ``after`` no longer holds out of every download's reach."""
        gone = files.uploaded_ids(before) - files.uploaded_ids(after)
        if gone:
            files.set_aside(self.config["HOME"], after["id"], sorted(gone))

    def withdraw_dataset(self, key: str, actor: str) -> dict:
        """Withdraw a dataset: it leaves search and listings but keeps its record and history."""
        return self._set_state(key, "withdrawn", "withdraw", actor)

    def restore_dataset(self, key: str, actor: str) -> dict:
        """Bring a withdrawn dataset back."""
        return self._set_state(key, "active", "restore", actor)

    def _set_state(self, key: str, state: str, action: str, actor: str) -> dict:
        with self.store.writing() as tx:
            row = self._locked_dataset(tx, key)
            if soundness.structural_problems(row.data):
                raise ConflictError(f"Dataset {key} is quarantined: replace its damaged record before "
                                    f"changing its state")
            record = dict(row.data)
            if record["state"] != state:
                record.update(state=state, metadata_modified=isoformat(now()))
                self._write(tx, record, row, action, actor)
        move = files.set_aside if state == "withdrawn" else files.bring_back
        move(self.config["HOME"], record["id"], sorted(files.uploaded_ids(record)))
        self._after_write()
        return record

    def dataset_revisions(self, key: str) -> list[dict]:
        """The dataset's revision log, oldest first (number, action, actor, time)."""
        record = self.get_dataset(key)
        with self.store.reading() as tx:
            return tx.list_revisions("dataset", record["id"])

    def dataset_revision(self, key: str, number: int) -> dict:
        """One revision of a dataset with the full record as it was then."""
        record = self.get_dataset(key)
        with self.store.reading() as tx:
            revision = tx.get_revision("dataset", record["id"], number)
        if revision is None:
            raise NotFound(f"Dataset {key} has no revision {number}")
        return revision

    def dataset_diff(self, key: str, old: int, new: int | None = None) -> list[dict]:
        """Field-by-field changes between two revisions of a dataset (``new`` defaults to the latest)."""
        if new is None:
            new = self.dataset_revisions(key)[-1]["revision"]
        before = self.dataset_revision(key, old)["data"]
        after = self.dataset_revision(key, new)["data"]
        return diff(before, after)

    def _locked_dataset(self, tx: StoreTx, key: str):
        row = tx.dataset_row(key, for_update=True)
        if row is None:
            raise NotFound(f"Dataset not found: {key}")
        return row

    @staticmethod
    def _existing(row) -> dict:
        """The stored record of a locked dataset row; for a record too damaged to read, what the row's
        own columns still say (id, name, state), so that replacing the record repairs it."""
        if not soundness.structural_problems(row.data):
            return dict(row.data)
        return {"id": row.id, "name": row.name, "state": row.state, "metadata_created": isoformat(row.created)}

    def _dataset_input(self, data: dict) -> dict:
        """A dataset as given, in the form it is validated and stored in: a copy without system fields,
        URLs percent-encoded, the default language filled in."""
        record = schemas.with_encoded_urls(_clean(data, drop=SYSTEM_FIELDS), "dataset")
        _fill_default_language(record, setting(self.config, "DEFAULT_LANGUAGE"))
        return record

    def _prepare(self, tx: StoreTx, data: dict, existing: dict | None, organizations: dict | None = None,
                 checked: bool = False, **resources) -> dict:
        """The validated record to store: input without system fields, plus ids and timestamps.

        ``organizations`` caches organization rows by key across the records of one transaction.
        ``checked`` says the record already passed ``harvested_errors``, the same schema check.
        ``resources`` may name ``created`` (resource ids the server chose) and ``uploaded`` (resources
        whose file the upload path has just stored), see ``_own_resources``.
        """
        record = self._dataset_input(data)
        errors = {} if checked else schemas.validate(record, "dataset")
        renamed = existing and "name" not in errors and record.get("name") != existing["name"]
        if renamed and tx.name_taken(record.get("name", "")):
            errors["name"] = [NAME_TAKEN]
        owner = record.get("owner_org")
        organization = None
        if "owner_org" not in errors:
            organization = _organization(tx, owner, organizations) if isinstance(owner, str) else None
            if organization is None or organization.state != "active":
                errors["owner_org"] = ["Organization does not exist"]
        if errors:
            raise ValidationError(dict(sorted(errors.items())))
        stamp = isoformat(now())
        _own_resources(record.get("resources", []), (existing or {}).get("resources") or [], stamp, **resources)
        record_id = existing["id"] if existing else new_id()
        # The IRI is minted once; a record stored before minting keeps the IRI it was always published under.
        base = links.stable_base(self.config) if existing else links.base_url(self.config)
        record.update(
            id=record_id,
            uri=(existing or {}).get("uri") or links.dataset_uri(base, record_id),
            owner_org=organization.name,
            state=existing["state"] if existing else "active",
            metadata_created=(existing or {}).get("metadata_created", stamp),
            metadata_modified=stamp,
        )
        if existing and existing.get("harvest"):
            record["harvest"] = existing["harvest"]
        return record

    def _write(self, tx: StoreTx, record: dict, row, action: str, actor: str, **provenance) -> None:
        """Store ``record`` and append its revision, in the caller's transaction."""
        organization = tx.organization_row(record["owner_org"])
        number = tx.add_revision("dataset", record["id"], action, actor, record)
        try:
            if row is None:
                tx.insert_dataset(record, organization_id=organization.id, revision=number, **provenance)
            else:
                tx.update_dataset(record, organization_id=organization.id, revision=number, **provenance)
        except IntegrityError as error:
            raise ValidationError({"name": [NAME_TAKEN]}) from error

    # -- harvest sources and harvested datasets -------------------------------------------

    def add_source(self, data: dict, actor: str) -> dict:
        """Register a harvest source (or bring back a removed one of the same name)."""
        record = _clean(data, drop=("id", "state", "created", "http_cache"))
        record = schemas.with_encoded_urls(record, "harvest_source")
        _check(record, "harvest_source")
        with self.store.writing() as tx:
            organization = tx.organization_row(record["organization"])
            if organization is None or organization.state != "active":
                raise ValidationError({"organization": ["Organization does not exist"]})
            row = tx.source_row(record["name"], for_update=True)
            if row is not None and row.state == "active":
                raise ValidationError({"name": ["A harvest source with this name already exists"]})
            record.update(id=row.id if row else new_id(), state="active",
                          created=row.data.get("created") if row else isoformat(now()))
            if row is None:
                tx.insert_source(record, organization_id=organization.id)
            else:
                tx.update_source(record)
            tx.add_revision("harvest_source", record["id"], "create", actor, record)
        return record

    def get_source(self, key: str) -> dict:
        """The harvest source with id or name ``key`` (any state); NotFound otherwise."""
        with self.store.reading() as tx:
            row = tx.source_row(key)
        if row is None:
            raise NotFound(f"Harvest source not found: {key}")
        return dict(row.data)

    def list_sources(self) -> list[dict]:
        """Active harvest sources, by name."""
        with self.store.reading() as tx:
            return tx.list_sources()

    def remove_source(self, key: str, actor: str) -> dict:
        """Retire a harvest source: it is no longer harvested; its datasets and job history stay."""
        with self.store.writing() as tx:
            row = tx.source_row(key, for_update=True)
            if row is None or row.state != "active":
                raise NotFound(f"Harvest source not found: {key}")
            record = {**row.data, "state": "withdrawn"}
            tx.update_source(record)
            tx.add_revision("harvest_source", record["id"], "withdraw", actor, record)
        return record

    def harvest_jobs(self, source: str | None = None, limit: int = 20, *, entries: bool = False) -> list[dict]:
        """The newest harvest jobs (of the source with id or name ``source``, or of all), newest first.

        Each job has its ``report``: errors and warnings grouped by (path, message) with counts and
        example remote ids; with ``entries``, also every per-record ``errors`` and ``warnings`` entry.
        """
        source_id = self.get_source(source)["id"] if source else None
        with self.store.reading() as tx:
            return [self._job_details(tx, job, entries) for job in tx.list_jobs(source_id, limit=limit)]

    def harvest_job(self, job_id: str, *, entries: bool = True) -> dict:
        """One harvest job with its report (and, with ``entries``, every per-record entry); NotFound otherwise."""
        with self.store.reading() as tx:
            job = tx.get_job(job_id) if looks_like_id(job_id) else None
            if job is None:
                raise NotFound(f"Harvest job not found: {job_id}")
            return self._job_details(tx, job, entries)

    @staticmethod
    def _job_details(tx: StoreTx, job: dict, entries: bool) -> dict:
        job["report"] = {kind: tx.job_report(job["id"], kind) for kind in ("errors", "warnings")}
        if entries:
            job.update({kind: tx.job_entries(job["id"], kind) for kind in ("errors", "warnings")})
        return job

    def save_source_cache(self, key: str, validators: dict) -> None:
        """Keep the HTTP validators (ETag, Last-Modified) of a source's documents for the next run."""
        with self.store.writing() as tx:
            row = tx.source_row(key, for_update=True)
            tx.update_source({**row.data, "http_cache": validators})

    def harvested_errors(self, data: dict, source: dict) -> dict[str, list[str]]:
        """Why a harvested dataset dict could not be written for ``source``: ``{path: [messages]}``, empty if it can.

        The same check ``write_harvested`` makes, run where each record is mapped so that one bad
        record is refused alone instead of failing the batch it would be written in.
        """
        return schemas.validate(self._dataset_input({**data, "owner_org": source["organization"]}), "dataset")

    def write_harvested(self, entries: list[dict], actor: str) -> None:
        """Create or update harvested datasets in one transaction, each with its revision.

        Each entry holds ``data`` (the dataset dict), ``source`` (the source record), ``remote_id``,
        ``content_hash`` and ``harvest`` (provenance), and ``checked`` when ``harvested_errors`` found
        nothing wrong with ``data`` (the schema check is then not repeated). The dataset is found by
        (source, remote id) only, so another source's dataset is never touched; a new dataset whose name is taken gets a
        deterministic distinct one. A ValidationError rolls back the whole batch. The batch is read
        and written with a few multi-row statements per source, not a few per dataset.
        """
        by_source: dict[str, list[dict]] = {}
        for entry in entries:
            by_source.setdefault(entry["source"]["id"], []).append(entry)
        with self.store.writing() as tx:
            for group in by_source.values():
                self._write_harvested(tx, group, actor)
        self._after_write()

    def _write_harvested(self, tx: StoreTx, entries: list[dict], actor: str) -> None:
        """Write one source's entries: one query each for the existing rows, names and revision numbers."""
        source = entries[0]["source"]
        rows = tx.datasets_by_remote_ids(source["id"], [e["remote_id"] for e in entries], for_update=True)
        fresh = [e for e in entries if e["remote_id"] not in rows]
        names = dict(zip((e["remote_id"] for e in fresh), _free_names(
            tx, [(e["data"].get("name", ""), e["remote_id"]) for e in fresh], source["name"])))
        latest = tx.latest_revisions("dataset", [row.id for row in rows.values()])
        organizations, items, revisions = {}, [], []
        for entry in entries:
            row = rows.get(entry["remote_id"])
            data = {**entry["data"], "owner_org": source["organization"],
                    "name": row.name if row else names[entry["remote_id"]]}
            existing = self._existing(row) if row else None
            record = self._prepare(tx, data, existing=existing, organizations=organizations,
                                   checked=entry.get("checked", False))
            record.update(state="active", harvest=entry["harvest"])
            number = latest.get(row.id, 0) + 1 if row else 1
            revisions.append((record["id"], number, "update" if row else "create", record))
            items.append({"record": record, "organization_id": _organization(tx, record["owner_org"], organizations).id,
                          "revision": number, "new": row is None, "provenance": {
                              "source_id": source["id"], "remote_id": entry["remote_id"],
                              "content_hash": entry["content_hash"]}})
        tx.add_revisions("dataset", revisions, actor)
        try:
            tx.save_datasets(items)
        except IntegrityError as error:
            raise ValidationError({"name": [NAME_TAKEN]}) from error

    def withdraw_harvested(self, dataset_ids: list[str], actor: str) -> None:
        """Withdraw datasets that vanished from their source, in one transaction."""
        with self.store.writing() as tx:
            for dataset_id in dataset_ids:
                row = self._locked_dataset(tx, dataset_id)
                if soundness.structural_problems(row.data):
                    log.warning("dataset %s not withdrawn: its stored record is damaged (quarantined)", dataset_id)
                elif row.state != "withdrawn":
                    record = {**row.data, "state": "withdrawn", "metadata_modified": isoformat(now())}
                    self._write(tx, record, row, "withdraw", actor)
        self._after_write()

    # -- search ---------------------------------------------------------------------------

    def search_datasets(self, params: dict) -> dict:
        """Answer CKAN package_search parameters (q, fq, fq_list, sort, rows, start, facet.*, ext_bbox).

        Returns ``{"count": int, "results": [records in rank order], "facets": {field: [(value, count)]},
        "search_facets": {field: {"title": field, "items": [{"name", "display_name", "count"}]}}}``;
        facet lists are ordered by count, then value. Raises SearchQueryError for parameters that
        cannot be understood and SearchUnavailable when the engine fails.
        """
        from catalog.search.query import parse

        results = self.backend.search(parse(params))
        with self.store.reading() as tx:
            found = tx.datasets_by_ids(results.ids)
        records = [found[i] for i in results.ids if indexing.searchable(found.get(i))]
        return {
            "count": results.count,
            "results": records,
            "facets": results.facets,
            "search_facets": {f: _labelled(f, counts) for f, counts in results.facets.items()},
        }


@functools.cache
def _facet_labels(field: str) -> dict[str, str]:
    if field == "region":
        return {code: entry["name"] for code, entry in schemas.region_names().items()}
    if field in {"frequency", "theme"}:
        return schemas.labels(field)
    return {}


def _labelled(field: str, counts: list[tuple[str, int]]) -> dict:
    """CKAN's search_facets entry: items with a display name (region and frequency names from the schemas)."""
    labels = _facet_labels(field)
    items = [{"name": value, "display_name": labels.get(value, value), "count": n} for value, n in counts]
    return {"title": field, "items": items}
