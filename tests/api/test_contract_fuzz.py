"""The contract is tested: schemathesis generates requests for every operation of ``/api/v1/openapi.json`` and
sends each one anonymously and with a token holding every scope. No answer may be a 5xx, and every answer
must match the document (status code, content type, body schema). Examples per operation are few (the suite's
time budget); ``TECHMARKET_API_FUZZ_EXAMPLES`` raises them for a deeper run."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from techmarket.accounts.api_tokens import SCOPES
from tests.api.support import make_token

EXAMPLES = int(os.environ.get("TECHMARKET_API_FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_every_operation_answers_as_documented(app, make) -> None:
    app.config.update(API_ANONYMOUS_RATE_LIMIT="100000 per minute", API_TOKEN_RATE_LIMIT="100000 per minute")
    owner = make.user()
    org = make.org(owner, status="verified")
    listing = make.listing(org)
    make.listing(org, status="draft")
    auth = {"Authorization": f"Bearer {make_token(owner, *SCOPES)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures: list[str] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            if case.path_parameters and "listing_id" in case.path_parameters and case.path_parameters["listing_id"] < 3:
                case.path_parameters["listing_id"] = listing.id  # now and then, one that exists
            for headers in ({}, auth):
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
