"""Open city data catalog: harvest, store, search and publish a city's dataset metadata."""

__version__ = "0.1.0"


def __getattr__(name):
    # create_app is re-exported lazily so that store, search and harvesters import without Flask.
    if name == "create_app":
        from catalog.app import create_app

        return create_app
    raise AttributeError(name)
