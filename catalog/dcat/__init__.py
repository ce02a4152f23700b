"""DCAT-AP 3 for the catalog: pure mapping between dataset records and RDF, and whole documents.

    writer.dataset_triples(record, site) -> (triples, problems)   record -> DCAT-AP 3
    reader.dataset_record(index, node)   -> record                DCAT-AP 2/3 -> record
    documents                            one dataset, a Hydra-paged page, the whole catalog streamed
"""

from catalog.dcat.graph import Index, read, serialise
from catalog.dcat.reader import MappingError, dataset_nodes, dataset_record, remote_id
from catalog.dcat.writer import Site, dataset_triples


def site_from_config(config: dict, organizations: dict | None = None) -> Site:
    """The publishing site described by the settings (SITE_TITLE, DEFAULT_LANGUAGE) with the links' base URL.

    The base is SITE_URL, or the current request's own address when SITE_URL is empty (see ``catalog.links``).
    """
    from catalog import links
    from catalog.schemas import region_names

    return Site(url=links.base_url(config), title=config["SITE_TITLE"], language=config["DEFAULT_LANGUAGE"],
                organizations=organizations or {}, regions=region_names(), iri_base=links.stable_base(config))


def problems(record: dict, site: Site) -> list[str]:
    """Why ``record`` cannot be published as conformant DCAT-AP 3 (empty when it can)."""
    return dataset_triples(record, site)[1]


def from_triples(triples, default_language: str = "id") -> list[tuple[str, dict | MappingError]]:
    """(remote id, record or MappingError) for every dcat:Dataset among ``triples``."""
    index = Index(triples)
    out = []
    for node in dataset_nodes(index):
        try:
            out.append((remote_id(index, node), dataset_record(index, node, default_language)))
        except MappingError as error:
            out.append((remote_id(index, node), error))
    return out


__all__ = ["Index", "MappingError", "Site", "dataset_triples", "from_triples", "problems", "read", "serialise",
           "site_from_config"]
