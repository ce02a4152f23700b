"""Dataset rows: the full record as JSON plus the columns that queries and constraints need."""

from collections.abc import Iterable, Iterator

from sqlalchemy import bindparam, delete, func, insert, select, update

from catalog.errors import Quarantined
from catalog.store.common import can_name_a_row, looks_like_id, now, row_by_key, updated_key
from catalog.tables import datasets, organizations, quarantine, resources, search_outbox

# Built once: the API's hottest query, a dataset with its organization, by id or by name.
_WITH_ORGANIZATION = (
    select(datasets.c.id, datasets.c.data, organizations.c.data.label("organization"))
    .join(organizations, organizations.c.id == datasets.c.organization_id)
)
_BY_ID = _WITH_ORGANIZATION.where(datasets.c.id == bindparam("key"))
_BY_NAME = _WITH_ORGANIZATION.where(datasets.c.name == bindparam("key"))
CHUNK = 500  # values per IN (...) list, well under every database's limit on bound parameters


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


class DatasetQueries:
    """Queries on datasets, their resources and the search outbox."""

    def dataset_row(self, key: str, *, for_update: bool = False):
        """The dataset row with id or name ``key``, or None."""
        return row_by_key(self.conn, datasets, key, for_update=for_update)


    def get_dataset(self, key: str) -> dict | None:
        """The stored record of the dataset with id or name ``key``, or None; Quarantined when it is unsound."""
        row = self.dataset_row(key)
        return self._one(row, key) if row else None

    def dataset_with_organization(self, key: str) -> tuple[dict, dict] | None:
        """The record of the dataset with id or name ``key`` and its organization's record, or None;
        Quarantined when the dataset's record is unsound."""
        if not can_name_a_row(key):
            return None
        row = self.conn.execute(_BY_ID if looks_like_id(key) else _BY_NAME, {"key": key}).first()
        return (self._one(row, key), dict(row.organization)) if row else None

    def _one(self, row, key: str) -> dict:
        record = self.sound(row.id, row.data)
        if record is None:
            raise Quarantined(key)
        return record

    def datasets_by_remote_ids(self, source_id: str, remote_ids: Iterable[str], *, for_update: bool = False) -> dict:
        """The rows harvested from ``source_id`` under any of ``remote_ids``, keyed by remote id."""
        found = {}
        for chunk in _chunks(list(remote_ids)):
            query = select(datasets).where(datasets.c.source_id == source_id, datasets.c.remote_id.in_(chunk))
            if for_update:
                query = query.with_for_update()
            found.update((row.remote_id, row) for row in self.conn.execute(query))
        return found

    def name_taken(self, name: str) -> bool:
        """True when a dataset (in any state) already has ``name``."""
        return self.conn.execute(select(datasets.c.id).where(datasets.c.name == name)).first() is not None

    def names_taken(self, names: Iterable[str]) -> set[str]:
        """Those of ``names`` that a dataset (in any state) already has."""
        taken = set()
        for chunk in _chunks(sorted(set(names))):
            taken.update(self.conn.execute(select(datasets.c.name).where(datasets.c.name.in_(chunk))).scalars())
        return taken

    def insert_dataset(self, record: dict, *, organization_id: str, revision: int = 1, **provenance) -> None:
        """Store a new dataset; ``provenance`` may give source_id, remote_id and content_hash."""
        self.save_datasets([{"record": record, "organization_id": organization_id, "revision": revision,
                             "new": True, "provenance": provenance}])

    def update_dataset(self, record: dict, *, organization_id: str, revision: int, **provenance) -> None:
        """Replace the stored dataset with ``record`` (same id)."""
        self.save_datasets([{"record": record, "organization_id": organization_id, "revision": revision,
                             "new": False, "provenance": provenance}])

    def save_datasets(self, items: list[dict]) -> None:
        """Insert or replace many datasets, their resources and outbox entries with a few multi-row statements.

        Each item holds ``record``, ``organization_id``, ``revision``, ``new`` (insert rather than
        replace) and ``provenance`` (source_id, remote_id, content_hash, or nothing); items of one
        call that are inserted give the same provenance keys.
        """
        stamp = now()
        added, replaced = [], []
        for item in items:
            row = self._columns(item["record"], item["organization_id"], item["revision"], item.get("provenance") or {},
                                stamp)
            if item["new"]:
                added.append({**row, "id": item["record"]["id"], "created": stamp})
            else:
                replaced.append({**row, "dataset_id": item["record"]["id"]})
        if added:
            self.conn.execute(insert(datasets), added)
        if replaced:
            self.conn.execute(update(datasets).where(datasets.c.id == bindparam("dataset_id")), replaced)
        for chunk in _chunks([row["dataset_id"] for row in replaced]):
            self.conn.execute(delete(resources).where(resources.c.dataset_id.in_(chunk)))
        listed = [
            {"id": res["id"], "dataset_id": i["record"]["id"], "position": n, "url": res["url"]}
            for i in items for n, res in enumerate(i["record"].get("resources") or [])
        ]
        if listed:
            self.conn.execute(insert(resources), listed)
        self.enqueue_index(i["record"]["id"] for i in items)
        self.quarantine_release(row["dataset_id"] for row in replaced)

    @staticmethod
    def _columns(record, organization_id, revision, provenance, stamp) -> dict:
        return {
            "name": record["name"],
            "organization_id": organization_id,
            "state": record["state"],
            "private": bool(record.get("private", False)),
            "revision": revision,
            "data": record,
            "modified": stamp,
            "updated": updated_key(record),
            **provenance,
        }

    def resource_dataset_id(self, resource_id: str) -> str | None:
        """Id of the dataset that holds resource ``resource_id``, or None."""
        if not can_name_a_row(resource_id):
            return None
        return self.conn.execute(select(resources.c.dataset_id).where(resources.c.id == resource_id)).scalar()

    def iter_datasets(self, *, states: Iterable[str] = ("active",), batch: int = 500) -> Iterator[dict]:
        """Every sound dataset record in the given states, in id order, fetched ``batch`` at a time."""
        last = ""
        while True:
            rows = self.conn.execute(
                select(datasets.c.id, datasets.c.data)
                .where(datasets.c.state.in_(list(states)), datasets.c.id > last)
                .order_by(datasets.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from self.screened(rows)
            last = rows[-1].id

    def datasets_by_ids(self, ids: Iterable[str]) -> dict[str, dict]:
        """The sound records with the given ids that exist, keyed by id."""
        ids = list(ids)
        found = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self.conn.execute(select(datasets.c.id, datasets.c.data).where(datasets.c.id.in_(chunk)))
            found.update((record["id"], record) for record in self.screened(rows))
        return found

    def count_datasets(self, *, states: Iterable[str] = ("active",)) -> int:
        """How many datasets are in the given states."""
        query = select(func.count()).select_from(datasets).where(datasets.c.state.in_(list(states)))
        return self.conn.execute(query).scalar_one()

    def searchable_stamps(self) -> dict[str, str]:
        """``{id: metadata_modified}`` of every active, public dataset: what the search index should hold."""
        stamp = datasets.c.data["metadata_modified"].as_string()
        query = select(datasets.c.id, stamp).where(
            datasets.c.state == "active", datasets.c.private.is_(False),
            datasets.c.id.not_in(select(quarantine.c.dataset_id)))
        if self.conn.dialect.name == "sqlite":  # SQLite keeps JSON as text: a damaged row must not fail the query
            query = query.where(func.json_valid(datasets.c.data) == 1)
        return {row[0]: row[1] for row in self.conn.execute(query)}

    def searchable_datasets(self, batch: int = 1000) -> Iterator[list[dict]]:
        """Every sound active, public dataset record, in batches ordered by id."""
        query = (
            select(datasets.c.id, datasets.c.data)
            .where(datasets.c.state == "active", datasets.c.private.is_(False))
            .order_by(datasets.c.id)
            .execution_options(yield_per=batch)
        )
        for part in self.conn.execute(query).partitions(batch):
            yield list(self.screened(part))

    def enqueue_index(self, dataset_ids: Iterable[str]) -> None:
        """Record in the outbox that these datasets must be (re-)indexed."""
        stamp = now()
        rows = [{"dataset_id": i, "created": stamp} for i in dataset_ids]
        if rows:
            self.conn.execute(insert(search_outbox), rows)

    def outbox_batch(self, limit: int) -> list[tuple[int, str]]:
        """The oldest ``limit`` outbox entries as (entry id, dataset id)."""
        query = select(search_outbox.c.id, search_outbox.c.dataset_id).order_by(search_outbox.c.id).limit(limit)
        return [tuple(row) for row in self.conn.execute(query)]

    def outbox_done(self, entry_ids: Iterable[int]) -> None:
        """Remove handled outbox entries."""
        ids = list(entry_ids)
        for start in range(0, len(ids), 500):
            self.conn.execute(delete(search_outbox).where(search_outbox.c.id.in_(ids[start:start + 500])))

    def outbox_size(self) -> int:
        """How many outbox entries wait."""
        return self.conn.execute(select(func.count()).select_from(search_outbox)).scalar_one()
