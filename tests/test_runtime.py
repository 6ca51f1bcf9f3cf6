"""The parts `run` and `serve` start: what the process loads before it serves."""

from __future__ import annotations

import json
import subprocess
import sys

from wattboard.api.app import openapi_document

# Builds the API's schema as `run` and `serve` do (pydantic.v1 skipped), in a fresh process.
CHILD = """
import json, sys
if sys.argv[1] == "loaded":
    import pydantic.v1
from wattboard.runtime import skip_pydantic_v1
skip_pydantic_v1()
from wattboard.api.app import openapi_document
schema = openapi_document()
print(json.dumps({"v1": sys.modules["pydantic.v1"] is not None, "schema": schema}))
"""


def _child(state: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, state],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_skip_pydantic_v1_keeps_the_openapi_schema() -> None:
    answer = _child("fresh")
    assert answer["v1"] is False
    assert answer["schema"] == openapi_document()


def test_skip_pydantic_v1_leaves_a_loaded_v1_alone() -> None:
    assert _child("loaded")["v1"] is True
