"""Organization and group actions: list, show, autocomplete, create, update, member_create."""

from catalog.api import packages
from catalog.api.datasets import organizations_by_name, visible_records
from catalog.api.permissions import check_org_admin
from catalog.api.registry import action, as_bool, as_int, as_text, required
from catalog.errors import NotFound, ValidationError

SORTS = {"name": "name", "title": "title", "package_count": "package_count"}


def _counts(catalog) -> dict[str, int]:
    with catalog.store.reading() as tx:
        return tx.organization_dataset_counts()


def _sort_key(sort: str):
    parts = sort.strip().split()
    field = parts[0] if parts else "name"
    order = parts[1].lower() if len(parts) > 1 else ("desc" if field == "package_count" else "asc")
    if field not in SORTS or order not in ("asc", "desc") or len(parts) > 2:
        raise ValidationError({"sort": ["Sort must be name, title or package_count, then asc or desc"]})
    return field, order == "desc"


@action("organization_list", read_only=True, result="OrganizationList")
def organization_list(ctx, params):
    """Return the organizations' names, or their full dicts with ``all_fields``.

    :param all_fields: return organization dicts (with ``package_count``) instead of names (optional, default false)
    :type all_fields: boolean
    :param sort: ``name asc`` (the default), ``title asc`` or ``package_count desc`` (optional)
    :type sort: string
    :param limit: how many organizations to return (optional)
    :type limit: integer
    :param offset: how many to skip, for paging (optional)
    :type offset: integer
    """
    field, reverse = _sort_key(as_text(params, "sort", "name asc") or "name asc")
    limit, offset = as_int(params, "limit", None), as_int(params, "offset", 0)
    counts = _counts(ctx.catalog)
    found = [packages.organization_dict(o, counts.get(o["id"], 0)) for o in ctx.catalog.list_organizations()]
    found.sort(key=lambda o: (o[field].lower() if isinstance(o[field], str) else o[field], o["name"]), reverse=reverse)
    page = found[offset:offset + limit if limit is not None else None]
    return page if as_bool(params, "all_fields") else [o["name"] for o in page]


@action("organization_show", read_only=True, result="OrganizationDict")
def organization_show(ctx, params):
    """Return an organization's details, optionally with its datasets.

    :param id: the id or name of the organization
    :type id: string
    :param include_datasets: include up to 1000 of its datasets as ``packages`` (optional, default false)
    :type include_datasets: boolean
    """
    record = ctx.catalog.get_organization(as_text(params, "id") or required(params, "id"))
    result = packages.organization_dict(record, _counts(ctx.catalog).get(record["id"], 0))
    if as_bool(params, "include_datasets"):
        mine = [(r, o) for r, o in visible_records(ctx, {record["name"]: record})]
        result["packages"] = [packages.package_dict(r, o) for r, o in mine[:1000]]
    result["users"] = []
    if ctx.user and (ctx.user.sysadmin or ctx.user.role_in(record["id"]) == "admin"):
        members = ctx.catalog.accounts.members(record["id"])
        result["users"] = [{"name": name, "capacity": role} for name, role in members]
    return result


@action("organization_autocomplete", read_only=True, result="AutocompleteList")
def organization_autocomplete(ctx, params):
    """Return organizations whose name or title contains the given text.

    :param q: the text to look for
    :type q: string
    :param limit: the most results to return (optional, default 20)
    :type limit: integer
    """
    text = as_text(params, "q").strip().lower()
    limit = as_int(params, "limit", 20, minimum=1, maximum=1000)
    found = [
        {"id": o["id"], "name": o["name"], "title": o["title"]}
        for o in ctx.catalog.list_organizations()
        if text and (text in o["name"].lower() or text in o["title"].lower())
    ]
    return found[:limit]


def _organization_input(params: dict) -> dict:
    skip = {"id", "state", "created", "type", "is_organization", "approval_status", "display_name",
            "image_display_url", "package_count", "packages", "users", "num_followers"}
    return {k: v for k, v in params.items() if k not in skip and v not in (None, "")}


@action("organization_create", result="OrganizationDict")
def organization_create(ctx, params):
    """Create an organization (sysadmins only).

    :param name: the organization's URL name, e.g. ``dinkes``
    :type name: string
    :param title: its full name, e.g. ``Dinas Kesehatan``
    :type title: string
    :param description: what the agency does (optional)
    :type description: string
    """
    check_org_admin(ctx.user, None, "create organizations")
    record = ctx.catalog.create_organization(_organization_input(params), ctx.user.actor)
    return packages.organization_dict(record, 0)


@action("organization_update", result="OrganizationDict")
def organization_update(ctx, params):
    """Replace an organization's details (its admins and sysadmins).

    :param id: the id or name of the organization
    :type id: string
    :param title: its full name
    :type title: string
    :param description: what the agency does (optional)
    :type description: string
    """
    record = ctx.catalog.get_organization(as_text(params, "id") or required(params, "id"))
    check_org_admin(ctx.user, record["id"], "update this organization")
    data = _organization_input(params)
    data["name"] = record["name"] if data.get("name") in (None, record["id"]) else data["name"]
    updated = ctx.catalog.update_organization(record["id"], data, ctx.user.actor)
    return packages.organization_dict(updated, _counts(ctx.catalog).get(updated["id"], 0))


@action("organization_member_create", result="Member")
def organization_member_create(ctx, params):
    """Give a user a role in an organization (its admins and sysadmins).

    :param id: the id or name of the organization
    :type id: string
    :param username: the name or id of the user
    :type username: string
    :param role: ``admin``, ``editor`` or ``member``
    :type role: string
    """
    record = ctx.catalog.get_organization(as_text(params, "id") or required(params, "id"))
    check_org_admin(ctx.user, record["id"], "manage members of this organization")
    username, role = as_text(params, "username") or required(params, "username"), required(params, "role")
    ctx.catalog.accounts.set_member(record["id"], username, as_text(params, "role"))
    return {"table_name": "user", "table_id": username, "capacity": role, "group_id": record["id"],
            "state": "active"}


def _groups(ctx) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for record, _ in visible_records(ctx, organizations_by_name(ctx.catalog)):
        for group in record.get("groups", []):
            entry = groups.setdefault(group["name"], {"name": group["name"], "package_count": 0})
            entry["package_count"] += 1
    return groups


def _group_dict(group: dict) -> dict:
    return {"id": group["name"], "name": group["name"], "title": group["name"], "display_name": group["name"],
            "description": "", "image_url": "", "is_organization": False, "type": "group", "state": "active",
            "approval_status": "approved", "package_count": group["package_count"]}


@action("group_list", read_only=True, result="OrganizationList")
def group_list(ctx, params):
    """Return the names of the thematic groups that datasets belong to, or their dicts with ``all_fields``.

    :param all_fields: return group dicts instead of names (optional, default false)
    :type all_fields: boolean
    :param limit: how many groups to return (optional)
    :type limit: integer
    :param offset: how many to skip (optional)
    :type offset: integer
    """
    limit, offset = as_int(params, "limit", None), as_int(params, "offset", 0)
    groups = [_group_dict(g) for _, g in sorted(_groups(ctx).items())][offset:offset + limit if limit is not None else None]
    return groups if as_bool(params, "all_fields") else [g["name"] for g in groups]


@action("group_show", read_only=True, result="OrganizationDict")
def group_show(ctx, params):
    """Return a thematic group's details.

    :param id: the group's name
    :type id: string
    """
    key = as_text(params, "id") or required(params, "id")
    group = _groups(ctx).get(key)
    if group is None:
        raise NotFound(f"Group not found: {key}")
    return _group_dict(group)
