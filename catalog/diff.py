"""Differences between two versions of a record, field by field, as dotted paths."""

_MISSING = object()


def diff(old, new, path: str = "") -> list[dict]:
    """Every change from ``old`` to ``new``: ``[{"path", "old", "new"}]``; an absent side is None.

    Dicts are compared key by key and lists position by position, so a changed resource URL
    reads ``resources.0.url`` rather than a whole new list.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in sorted(set(old) | set(new), key=str):
            changes += diff(old.get(key, _MISSING), new.get(key, _MISSING), f"{path}.{key}".lstrip("."))
        return changes
    if isinstance(old, list) and isinstance(new, list):
        changes = []
        for index in range(max(len(old), len(new))):
            left = old[index] if index < len(old) else _MISSING
            right = new[index] if index < len(new) else _MISSING
            changes += diff(left, right, f"{path}.{index}".lstrip("."))
        return changes
    if old == new:
        return []
    return [{"path": path, "old": None if old is _MISSING else old, "new": None if new is _MISSING else new}]
