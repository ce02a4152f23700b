"""The harvest runner: everything around a harvester's ``items()`` and ``parse()``.

``run_harvest(catalog, source_name)`` locks the source with a lease, lists and maps its items,
writes new and changed datasets in batches (each batch one transaction, every dataset with its
revision and provenance), and withdraws datasets that vanished, only after a complete listing and
only within the source's withdraw limit. The job row is finished last, so a killed run leaves a
``running`` job that the next run marks ``interrupted`` before doing the work again.
"""

from catalog.harvest.lease import SourceLocked
from catalog.harvest.runner import HarvestReport, run_harvest

__all__ = ["HarvestReport", "SourceLocked", "run_harvest"]
