"""Who may read and write what: roles per organization decide.

- sysadmin: everything;
- admin of an organization: its datasets (including withdrawn ones), its details and members;
- editor: the organization's datasets;
- member: reads the organization's private datasets;
- anonymous and everyone else: active public datasets only.
"""

from catalog.accounts import User
from catalog.errors import NotAuthorized, NotFound

WRITE_ROLES = ("admin", "editor")
READ_PRIVATE_ROLES = ("admin", "editor", "member")


def can_read(user: User | None, record: dict, organization_id: str) -> bool:
    """True when ``user`` may see the dataset ``record`` owned by ``organization_id``."""
    if user is not None and user.sysadmin:
        return True
    role = user.role_in(organization_id) if user else None
    if record.get("state") != "active":
        return role == "admin"
    if record.get("private"):
        return role in READ_PRIVATE_ROLES
    return True


def check_read(user: User | None, record: dict, organization_id: str, key: str) -> None:
    """Raise unless readable: NotFound for a withdrawn dataset, NotAuthorized for a private one (as CKAN)."""
    if can_read(user, record, organization_id):
        return
    if record.get("state") != "active":
        raise NotFound(f"Dataset not found: {key}")
    raise NotAuthorized(f"User {user.name if user else 'anonymous'} not authorized to read package {key}")


def check_dataset_write(user: User | None, organization_id: str, what: str) -> None:
    """NotAuthorized unless ``user`` may change datasets of the organization."""
    if user is None:
        raise NotAuthorized(f"Action {what} requires an authorized user (send a valid API token)")
    if user.sysadmin or user.role_in(organization_id) in WRITE_ROLES:
        return
    raise NotAuthorized(f"User {user.name} not authorized to {what} in this organization")


def check_org_admin(user: User | None, organization_id: str | None, what: str) -> None:
    """NotAuthorized unless ``user`` administers the organization (None: only sysadmins)."""
    if user is None:
        raise NotAuthorized(f"Action {what} requires an authorized user (send a valid API token)")
    if user.sysadmin or (organization_id and user.role_in(organization_id) == "admin"):
        return
    raise NotAuthorized(f"User {user.name} not authorized to {what}")
