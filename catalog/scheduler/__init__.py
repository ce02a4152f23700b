"""Scheduled harvesting: the scheduler (``core``), where jobs run (``dispatch``, ``jobs``), source
health and alerts (``health``), and the structured log lines (``events``)."""
