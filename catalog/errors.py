"""The catalog's error tree: each class carries an HTTP status and CKAN's ``__type``.

    CatalogError
     ├── ValidationError      409  "Validation Error"  (errors: {field.path: [messages]})
     ├── NotFound             404  "Not Found Error"
     │    └── Quarantined     404  "Not Found Error"   (the stored record is damaged and set aside)
     ├── NotAuthorized        403  "Authorization Error"
     ├── BadRequest           400  "Bad Request"
     ├── ConflictError        409  "Conflict Error"    (a concurrent change, a held lock)
     ├── SearchQueryError     400  "Search Query Error"
     └── SearchUnavailable    503  "Search Index Error"
"""


class CatalogError(Exception):
    """Base of every expected error; ``message`` is safe to show to a user."""

    status = 500
    ckan_type = "Internal Server Error"

    def __init__(self, message: str = ""):
        super().__init__(message or self.ckan_type)
        self.message = message or self.ckan_type

    def as_dict(self) -> dict:
        """CKAN's error object for the API envelope."""
        return {"__type": self.ckan_type, "message": self.message}


class ValidationError(CatalogError):
    """A record broke the metadata schema; ``errors`` maps dotted field paths to messages."""

    status = 409
    ckan_type = "Validation Error"

    def __init__(self, errors: dict[str, list[str]], message: str = ""):
        self.errors = dict(errors)
        if not message:
            first = ", ".join(sorted(self.errors)[:5])
            message = f"Invalid fields: {first}" if first else "Invalid record"
        super().__init__(message)

    def as_dict(self) -> dict:
        return {**self.errors, **super().as_dict()}


class NotFound(CatalogError):
    """The named dataset, organization, source or other record does not exist."""

    status = 404
    ckan_type = "Not Found Error"


class Quarantined(NotFound):
    """The dataset exists but its stored record is damaged: set aside in the quarantine, served nowhere."""

    def __init__(self, key: str):
        super().__init__(f"Dataset {key} cannot be shown: its stored record is damaged and has been set aside "
                         "for the catalog's administrators")


class NotAuthorized(CatalogError):
    """The caller may not do this."""

    status = 403
    ckan_type = "Authorization Error"


class BadRequest(CatalogError):
    """The request itself is malformed."""

    status = 400
    ckan_type = "Bad Request"


class ConflictError(CatalogError):
    """The write clashes with the current state (a name taken, a lock held)."""

    status = 409
    ckan_type = "Conflict Error"


class SearchQueryError(CatalogError):
    """The search parameters could not be understood; the message names what."""

    status = 400
    ckan_type = "Search Query Error"


class SearchUnavailable(CatalogError):
    """The search engine could not be reached or failed."""

    status = 503
    ckan_type = "Search Index Error"
