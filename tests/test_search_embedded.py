"""The search contract on the embedded (tantivy) backend, plus what only this backend does."""

import pytest

from catalog.errors import SearchUnavailable
from catalog.search.embedded import EmbeddedBackend
from tests.contracts.search import SearchBackendContract


class TestEmbeddedContract(SearchBackendContract):
    @pytest.fixture
    def backend(self, tmp_path):
        backend = EmbeddedBackend(tmp_path / "index")
        yield backend
        backend.close()


def test_a_second_writer_is_refused_while_one_holds_the_index(tmp_path):
    first = EmbeddedBackend(tmp_path / "index")
    held = first.engine.writer(heap_size=15_000_000, num_threads=1)
    second = EmbeddedBackend(tmp_path / "index")
    with pytest.raises(SearchUnavailable, match="another process"):
        second.delete(["x"])
    held.rollback()
    del held
    second.delete(["x"])
