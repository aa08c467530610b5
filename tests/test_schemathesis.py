"""Schemathesis over the STAC API's own OpenAPI document, against a real server: whatever
a client sends, valid by the document or not, the answer is no server error and is what the
document says (a documented status, its media type, its schema).

A bounded, derandomized budget (30 examples per operation and mode) keeps the run short and
the same on every machine; both databases run it, as the whole suite does. The operations
are driven with Hypothesis directly: schemathesis's lazy pytest fixture does not run under
pytest 9.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BUDGET = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_the_api_answers_what_its_openapi_document_says(portal_server, make_collection, make_item):
    collection = make_collection("fuzzed")
    for n in range(3):
        make_item(collection, f"item-{n}", **{"eo:cloud_cover": float(n * 10)})
    schema = schemathesis.openapi.from_url(f"{portal_server}/api/v1/openapi.json")
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @BUDGET
            @given(case=operation.as_strategy(generation_mode=mode))
            def answers_as_documented(case) -> None:
                case.call_and_validate(base_url=portal_server, checks=CHECKS)

            try:
                answers_as_documented()
            except Unsatisfiable:
                pass  # no input the document forbids (an operation without parameters)
            except Exception as error:  # noqa: BLE001 - every operation's failure is reported
                failures.append(f"{mode.value} {operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
