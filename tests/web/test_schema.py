"""The API against its own OpenAPI document: generated requests (schemathesis) never get a 5xx,
and every response matches the schema (status codes, content types, bodies, headers)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.web.conftest import seed
from web import create_app

EXAMPLES = 100  # generated requests per operation
# Left out: "a schema-valid request is accepted". A page deeper than 10,000 results (page × size) is
# refused with a documented 400 that no JSON Schema of the two separate parameters can express.


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema")
    seed(folder)
    app = create_app({"TESTING": True, "DATA_DIR": str(folder)})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_every_operation_conforms_to_the_schema(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        @given(case=operation.as_strategy())
        def conforms(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        conforms()
