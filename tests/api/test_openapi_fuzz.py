"""schemathesis against the API's own OpenAPI document, in-process (Django's WSGI application),
signed in as a learner with sessions of every kind: every operation, valid and invalid input; no
5xx, and every response matches its documented status, content type and schema."""

import random

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pingtopass.wsgi import application
from study.models import StudySession
from tests.api.conftest import API

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # the WSGI app may close connections

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25


def steer(case, sessions: list[int], pick: random.Random) -> None:
    """Most cases name the seeded exam, one of the learner's own sessions and a question in it, and
    an answer of the shape pick types take, so operations get past the lookup to the work behind
    it; the rest keep what was generated (someone else's id, no one's, anything at all)."""
    if pick.random() < 0.3:
        return
    path = case.path_parameters or {}
    if "session_id" in path:
        path["session_id"] = pick.choice(sessions)
    if "position" in path:
        path["position"] = pick.randint(1, 8)
    if "code" in path:
        path["code"] = "PTP-100"
    if isinstance(case.body, dict):
        if "exam" in case.body:
            case.body["exam"] = "PTP-100"
            case.body.pop("objective_ids", None)
            case.body.pop("objectives", None)
        if "answer" in case.body:
            case.body["answer"] = {"choice": [pick.randint(0, 3)]}


def test_every_operation_keeps_to_its_schema(signed_in_app, learner, pro, start):
    sessions = [start(learner, mode=mode).pk for mode in StudySession.Mode.values]
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", application)
    headers = {"Authorization": f"Bearer {signed_in_app.token}"}
    pick = random.Random(23)
    # /health is the site's own check, which opens connections of its own: tests/pingtopass covers it.
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if not op.path.endswith("/health")]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                steer(case, sessions, pick)
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                fuzz()
            except Unsatisfiable:
                # No invalid input can be made for this operation (no parameters, or only free text).
                assert mode is GenerationMode.NEGATIVE, operation.label
