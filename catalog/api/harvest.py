"""Harvest job actions, named as ckanext-harvest names them: harvest_job_list and harvest_job_show.

A job's report groups its errors (records rejected) and warnings (records imported with values the
catalog could not map) by field path and message, with counts and example remote ids. Jobs are
shown to sysadmins and to the admins and editors of the organization that owns the source.
"""

from catalog.api.permissions import WRITE_ROLES
from catalog.api.registry import action, as_bool, as_int, as_text, required
from catalog.errors import NotAuthorized


def _check_user(ctx, what: str) -> None:
    if ctx.user is None:
        raise NotAuthorized(f"Action {what} requires an authorized user (send a valid API token)")


def _check_source(ctx, source: dict, what: str) -> None:
    """NotAuthorized unless the caller may follow the source's harvests."""
    _check_user(ctx, what)
    user = ctx.user
    if user.sysadmin:
        return
    organization = ctx.catalog.get_organization(source["organization"])
    if user.role_in(organization["id"]) not in WRITE_ROLES:
        raise NotAuthorized(f"User {user.name} not authorized to read the harvest jobs of {source['name']}")


@action("harvest_job_list", read_only=True, result="HarvestJobList")
def harvest_job_list(ctx, params):
    """Return a harvest source's jobs, newest first, each with its counts and its report of errors and warnings by kind.

    :param source_id: the harvest source's id or name (optional for sysadmins, who then see every source's jobs)
    :type source_id: string
    :param limit: how many jobs to return (optional, default 20, at most 1000)
    :type limit: integer
    """
    _check_user(ctx, "harvest_job_list")
    key = as_text(params, "source_id")
    limit = as_int(params, "limit", 20, minimum=1, maximum=1000)
    if key:
        _check_source(ctx, ctx.catalog.get_source(key), "harvest_job_list")
    elif not ctx.user.sysadmin:
        required(params, "source_id")
    return ctx.catalog.harvest_jobs(key or None, limit=limit)


@action("harvest_job_show", read_only=True, result="HarvestJob")
def harvest_job_show(ctx, params):
    """Return one harvest job with its report: errors and warnings grouped by field and message, with counts
    and example ids.

    :param id: the job's id
    :type id: string
    :param entries: also return every per-record error and warning (optional, default false)
    :type entries: boolean
    """
    _check_user(ctx, "harvest_job_show")
    job = ctx.catalog.harvest_job(as_text(params, "id") or required(params, "id"),
                                  entries=as_bool(params, "entries", False))
    _check_source(ctx, ctx.catalog.get_source(job["source"]), "harvest_job_show")
    return job
