"""Download counts: one row per download through the counted download route."""

from sqlalchemy import func, insert, select

from catalog.store.common import now
from catalog.tables import downloads


class DownloadQueries:
    """Queries on the download log."""

    def record_download(self, resource_id: str, dataset_id: str) -> None:
        """Count one download of a resource."""
        self.conn.execute(insert(downloads).values(resource_id=resource_id, dataset_id=dataset_id, created=now()))

    def download_counts(self, dataset_id: str) -> dict[str, int]:
        """Downloads so far of each resource of a dataset, by resource id."""
        query = (
            select(downloads.c.resource_id, func.count())
            .where(downloads.c.dataset_id == dataset_id)
            .group_by(downloads.c.resource_id)
        )
        return dict(self.conn.execute(query).all())
