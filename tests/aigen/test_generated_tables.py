"""AI jobs write rule tables too: the strict schema carries the table (cells aligned with the
columns), the quality gate checks it by the table type's own rules, and a good one is saved as a
pending question with its simulation data."""

import copy
import json

import pytest

from aigen.schema import response_format
from aigen.tasks import generation_job_run_task
from exams.models import Question
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.factories import GenerationJobFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

TABLE = {
    "type": "table", "choose": 1, "difficulty": 3, "tags": ["firewall"], "choices": [],
    "stem": "Complete the perimeter firewall's rules: staff on 10.1.0.0/16 reach the web server over HTTPS; nothing else.",
    "explanation": "Rules are read top down and the first match decides, so the allow comes before the final deny.",
    "reference_url": "https://csrc.nist.gov/pubs/sp/800/41/r1/final",
    "table": {
        "columns": [{"key": "action", "label": "Action", "kind": "choice", "options": ["Allow", "Deny"]},
                    {"key": "source", "label": "Source", "kind": "network", "options": []},
                    {"key": "port", "label": "Port", "kind": "port", "options": []}],
        "rows": [
            {"label": "1", "cells": [{"given": "", "answer": ["Allow"]}, {"given": "", "answer": ["10.1.0.0/16"]},
                                     {"given": "", "answer": ["443"]}], "explanation": "HTTPS from staff first."},
            {"label": "2", "cells": [{"given": "", "answer": ["Deny"]}, {"given": "any", "answer": []},
                                     {"given": "any", "answer": []}], "explanation": "The final deny."},
        ],
        "order": "ordered", "first_match": True, "grading": "cell",
    },
}


def run_job(fake_llm, *items):
    objective = ObjectiveFactory()
    fake_llm.script(Reply(batch(*items)))
    job = GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=len(items),
                               type_mix={"single": 1, "table": 1})
    generation_job_run_task.delay(job.pk).get()
    job.refresh_from_db()
    return job


def test_the_schema_sent_to_the_model_carries_a_strict_table():
    schema = response_format()["json_schema"]["schema"]
    table = schema["$defs"]["GeneratedQuestion"]["properties"]["table"]
    assert {"type": "null"} in table["anyOf"]
    assert schema["$defs"]["GeneratedCell"]["additionalProperties"] is False


def test_a_good_table_is_saved_pending_with_its_data(fake_llm):
    job = run_job(fake_llm, copy.deepcopy(TABLE), good(1)[0])
    question = Question.objects.get(ai_job_id=job.pk, type="table")
    assert question.review_status == "pending" and not question.choices.exists()
    data = question.simulation_data
    assert data["first_match"] is True and data["rows"][0]["cells"]["port"] == {"answer": "443"}
    assert data["rows"][1]["cells"]["source"] == {"given": "any"}
    assert question.kind.data_errors(data) == []
    assert "- table: no choices" in fake_llm.requests[-1].prompt  # the table's rule line went to the model


def test_a_table_that_breaks_its_rules_is_rejected_with_the_reason(fake_llm):
    broken = copy.deepcopy(TABLE)
    broken["table"]["rows"][0]["cells"][2]["answer"] = ["https"]
    job = run_job(fake_llm, broken, good(1)[0])
    assert not Question.objects.filter(ai_job_id=job.pk, type="table").exists()
    assert job.rejected_count >= 1
    rejections = json.dumps([call.rejections for call in job.calls.all()], ensure_ascii=False)
    assert "Row 1, Port: the answer 'https' is not a port number from 0 to 65535." in rejections
