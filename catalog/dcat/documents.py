"""Whole DCAT-AP documents: one dataset, a Hydra-paged catalog page, or the whole catalog streamed."""

from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

from catalog.dcat import vocab as v
from catalog.dcat.graph import serialise
from catalog.dcat.writer import TYPE, Site, catalog_triples, dataset_triples, iri_term, literal, named

ProblemHandler = Callable[[dict, list[str]], None]


def _ignore(record: dict, problems: list[str]) -> None:
    """Default problem handler: the record is left out and nothing else happens."""


def publishable(records: Iterable[dict], site: Site, on_problem: ProblemHandler = _ignore) -> Iterator[tuple]:
    """(record, triples) for each record that maps without problems; the others go to ``on_problem``."""
    described: set = set()  # regions described once per document
    for record in records:
        triples, problems = dataset_triples(record, site, described)
        if problems:
            on_problem(record, problems)
        else:
            yield record, triples


def dataset_document(record: dict, site: Site, key: str) -> tuple[bytes | None, list[str]]:
    """One dataset in format ``key``; (None, problems) when it cannot be published conformant."""
    triples, problems = dataset_triples(record, site)
    if problems:
        return None, problems
    return serialise(_unique(triples), key), []


def _unique(triples: Iterable[tuple]) -> list[tuple]:
    return list(dict.fromkeys(triples))


def _hydra(page_iri: str, page_url: Callable[[int], str], page: int, last: int, total: int, per_page: int):
    """Paging terms in current Hydra (PartialCollectionView, next) and the older PagedCollection (nextPage)."""
    h = v.HYDRA
    node = iri_term(page_iri)
    yield (node, TYPE, named(h, "PartialCollectionView"))
    yield (node, TYPE, named(h, "PagedCollection"))
    yield (node, named(h, "totalItems"), literal(str(total), datatype=named(v.XSD, "integer")))
    yield (node, named(h, "itemsPerPage"), literal(str(per_page), datatype=named(v.XSD, "integer")))
    links = {"first": 1, "last": last, "next": page + 1 if page < last else None,
             "previous": page - 1 if page > 1 else None}
    for term, number in links.items():
        if number:
            yield (node, named(h, term), iri_term(page_url(number)))
            yield (node, named(h, term + "Page"), iri_term(page_url(number)))


def page_url_maker(base: str, params: dict) -> Callable[[int], str]:
    """page number -> URL of that page with the other query parameters kept."""
    def make(number: int) -> str:
        return f"{base}?{urlencode({**{k: val for k, val in params.items() if val}, 'page': number})}"
    return make


def catalog_page(records: list[dict], site: Site, key: str, *, page: int, per_page: int, total: int,
                 page_url: Callable[[int], str], on_problem: ProblemHandler = _ignore) -> bytes:
    """One page of the catalog: the catalog node, the page's datasets and Hydra paging links."""
    triples, iris = [], []
    for record, dataset in publishable(records, site, on_problem):
        iris.append(site.dataset_iri(record))
        triples.extend(dataset)
    last = max(1, -(-total // per_page))
    head = catalog_triples(site, iris, _description(site))
    paging = list(_hydra(page_url(page), page_url, page, last, total, per_page))
    return serialise(_unique(head + paging + triples), key)


def _description(site: Site) -> str:
    return f"Katalog data terbuka {site.title}: metadata dataset dari setiap perangkat daerah, dalam DCAT-AP 3."


def stream_catalog(records: Iterable[dict], site: Site, key: str, output,
                   on_problem: ProblemHandler = _ignore) -> None:
    """Write the whole catalog to the binary file ``output``, one record at a time (memory stays flat)."""
    catalog = iri_term(site.catalog_iri)
    link = named(v.DCAT, "dataset")

    def triples() -> Iterator[tuple]:
        yield from catalog_triples(site, [], _description(site))
        for record, dataset in publishable(records, site, on_problem):
            yield catalog, link, dataset[0][0]
            yield from dataset

    serialise(triples(), key, output)
