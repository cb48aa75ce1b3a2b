"""Property-based fuzzing of the API with Schemathesis, in-process and bounded: every operation of
the OpenAPI document, anonymously and with a steering member's token. No request it generates gets
a 500, every response conforms to the document, schema-invalid requests are refused, and
schema-valid ones are accepted or refused for a reason the API gives (auth, not found, a rule of the
chapter: 422 with the field, as when a vote would open in the past)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.helpers import auth, tokens

pytestmark = pytest.mark.fuzz

EXAMPLES_PER_OPERATION = 6
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}}})


@pytest.mark.parametrize("who", ["anonymous", "steering"])
def test_no_generated_request_breaks_the_api(app, client, world, who):
    headers = auth(tokens(client, world.steering)["access_token"]) if who == "steering" else {}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = {f"{method.upper()} {path}" for path, ops in schema.raw_schema["paths"].items()
                  for method in ops if method != "parameters"}
    # Every operation but the document itself, which Schemathesis leaves out.
    assert {operation.label for operation in operations} == documented - {"GET /api/v1/openapi.json"}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def run(case):
            case.call_and_validate(headers=headers)

        run()
