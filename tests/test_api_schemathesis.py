"""Schemathesis against /api/openapi.json on a live server: no server errors, no schema mismatches.

The run is bounded (few examples per operation, a time budget).
"""

import os
import subprocess
import sys
from pathlib import Path

ST = Path(sys.executable).with_name("st")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def run_schemathesis(base_url, *extra):
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    command = [
        str(ST), "run", f"{base_url}/api/openapi.json", "--url", base_url, "--checks", CHECKS,
        "--max-examples", "5", "--max-time", "60", "--seed", "5", "--request-timeout", "20",
        "--generation-database", "none", "--phases", "examples,coverage,fuzzing", *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=400, env=env)


def test_schemathesis_finds_no_server_error_or_mismatch(live_server, world):
    done = run_schemathesis(live_server)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "passed" in done.stdout.lower()


def test_schemathesis_as_a_sysadmin(live_server, world):
    done = run_schemathesis(live_server, "--header", f"Authorization: {world.tokens['root']}")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
