import factory
from django.utils import timezone

from accounts.models import User
from exams.models import Choice, Domain, Exam, Objective, Question
from study.models import Bookmark, QuestionFeedback, SessionItem, StudySession

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True, "primary": True})
        if create:
            self.save()


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam

    code = factory.Sequence(lambda n: f"TST-{n:03d}")
    name = factory.Sequence(lambda n: f"Test Exam {n}")
    vendor = "TestVendor"
    category = "Testing"
    description = "An exam for tests."
    score_min, score_max, passing_score = 100, 900, 700
    question_count = 10
    duration_minutes = 20


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    exam = factory.SubFactory(ExamFactory)
    number = factory.Sequence(lambda n: f"{n + 1}.0")
    name = factory.Sequence(lambda n: f"Domain {n}")
    weight = 50
    position = factory.Sequence(int)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    domain = factory.SubFactory(DomainFactory)
    number = factory.Sequence(lambda n: f"9.{n + 1}")
    name = factory.Sequence(lambda n: f"Objective {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """An approved single-choice question with four choices, the first correct (A by position)."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    objective = factory.SubFactory(ObjectiveFactory)
    exam = factory.LazyAttribute(lambda q: q.objective.domain.exam)
    type = Question.Type.SINGLE
    stem = factory.Sequence(lambda n: f"Question stem number {n}?")
    explanation = "Because the first choice is right."
    difficulty = 3
    review_status = Question.ReviewStatus.APPROVED
    reviewed_at = factory.LazyFunction(timezone.now)
    simulation_data = factory.LazyAttribute(lambda q: SIMULATION_SAMPLES.get(q.type, dict)())

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        specs = extracted or _default_choices(self)
        for position, (text, correct, match) in enumerate(specs, start=1):
            Choice.objects.create(
                question=self, text=text, is_correct=correct, explanation=f"Why {text}.",
                position=position, match_text=match,
            )


def firewall_table() -> dict:
    """A first-match firewall: three rules to complete (a dropdown, a network, a port)."""
    return {
        "columns": [{"key": "action", "label": "Action", "kind": "choice", "options": ["Allow", "Deny"]},
                    {"key": "source", "label": "Source", "kind": "network"},
                    {"key": "port", "label": "Port", "kind": "port"}],
        "rows": [
            {"label": "1", "cells": {"action": {"answer": "Allow"}, "source": {"answer": "10.1.0.0/16"}, "port": {"answer": "443"}},
             "explanation": "Staff reach the web server over HTTPS."},
            {"label": "2", "cells": {"action": {"answer": "Deny"}, "source": {"given": "any"}, "port": {"answer": "23"}},
             "explanation": "Telnet is refused from anywhere."},
            {"label": "3", "cells": {"action": {"answer": "Deny"}, "source": {"given": "any"}, "port": {"given": "any"}},
             "explanation": "The last rule denies what nothing above allowed."},
        ],
        "order": "ordered", "first_match": True, "grading": "cell",
    }


def network_hotspot() -> dict:
    """Three zones on a small drawn network; three labels, one a decoy."""
    return {
        "width": 800, "height": 400,
        "drawing": [{"shape": "rect", "x": .02, "y": .4, "w": .16, "h": .2, "label": "Internet"},
                    {"shape": "rect", "x": .8, "y": .4, "w": .18, "h": .2, "label": "Web servers"},
                    {"shape": "line", "points": [[.18, .5], [.8, .5]]}],
        "zones": [{"id": "edge", "label": "Where the Internet link enters", "shape": "rect", "coords": [.25, .35, .15, .3]},
                  {"id": "front", "label": "In front of the web servers", "shape": "circle", "coords": [.65, .5, .08]},
                  {"id": "lan", "label": "Inside the server LAN", "shape": "polygon", "coords": [[.8, .7], [.98, .7], [.9, .95]]}],
        "tokens": [{"id": "fw", "label": "Firewall"}, {"id": "waf", "label": "WAF"}, {"id": "ap", "label": "Access point"}],
        "key": {"edge": "fw", "front": "waf"},
        "explanations": {"fw": "The firewall filters at the network edge.", "waf": "The WAF inspects HTTP in front of the web tier."},
    }


def router_lab() -> dict:
    """One router: address G0/0/1 and bring it up, and name the router."""
    return {
        "devices": [{"name": "R1", "platform": "router", "cabled": ["g0/0/0", "g0/0/1"],
                     "config": "hostname Router\ninterface g0/0/0\n ip address 10.0.0.1 255.255.255.252\n no shutdown\n",
                     "task": "Name the router **EDGE1**, give G0/0/1 the first usable address of 192.168.10.0/24 and bring it up."}],
        "checks": [
            {"kind": "hostname", "value": "EDGE1", "says": "The router is named EDGE1", "points": 1},
            {"kind": "interface", "name": "g0/0/1", "ip": "192.168.10.1/24", "shutdown": False, "points": 2,
             "says": "G0/0/1 has 192.168.10.1/24 and is up", "explanation": "`no shutdown` brings an interface up."},
        ],
    }


SIMULATION_SAMPLES = {"table": firewall_table, "hotspot": network_hotspot, "cli": router_lab}


def _default_choices(question):
    if not question.kind.uses_choices:
        return []
    n = question.pk
    if question.type == Question.Type.TRUE_FALSE:
        return [("True", True, ""), ("False", False, "")]
    if question.type == Question.Type.MULTIPLE:
        k = question.choose_count
        return [(f"Option {i} of {n}", i < k, "") for i in range(k + 2)]
    if question.type == Question.Type.ORDERING:
        return [(f"Step {i} of {n}", True, "") for i in range(4)]
    if question.type == Question.Type.MATCHING:
        return [(f"Item {i} of {n}", True, f"Target {i} of {n}") for i in range(3)]
    return [(f"Choice {i} of {n}", i == 0, "") for i in range(4)]


class StudySessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudySession

    user = factory.SubFactory(UserFactory)
    exam = factory.SubFactory(ExamFactory)
    mode = StudySession.Mode.PRACTICE


class SessionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionItem

    session = factory.SubFactory(StudySessionFactory)
    position = factory.Sequence(lambda n: n + 1)
    question = factory.SubFactory(QuestionFactory)
    choice_order = factory.LazyAttribute(lambda item: list(item.question.choices.values_list("id", flat=True)))


def session_with_questions(*, user, questions: int = 3, **fields) -> StudySession:
    """One of the user's sessions (practice unless `mode` says otherwise) on an exam of its own,
    with `questions` single-choice questions at positions 1 to n."""
    exam = ExamFactory()
    objective = ObjectiveFactory(domain__exam=exam)
    session = StudySessionFactory(user=user, exam=exam, question_total=questions, **fields)
    for position in range(1, questions + 1):
        SessionItemFactory(session=session, position=position, question=QuestionFactory(objective=objective))
    return session


class BookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookmark

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    note = "Remember this one."


class QuestionFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionFeedback

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)
    kind = QuestionFeedback.Kind.TYPO
    message = "There is a typo in choice B."


# --- aigen --------------------------------------------------------------------------------
class GenerationJobFactory(factory.django.DjangoModelFactory):
    """A queued job for five single-choice questions on one new objective of its exam."""

    class Meta:
        model = "aigen.GenerationJob"
        skip_postgeneration_save = True

    exam = factory.SubFactory(ExamFactory)
    requested_count = 5
    type_mix = factory.LazyFunction(lambda: {"single": 1})
    difficulty_mix = factory.LazyFunction(lambda: {"2": 1})
    model = "test/model"

    @factory.post_generation
    def objectives(self, create, extracted, **kwargs):
        if create:
            self.objectives.set(extracted or [ObjectiveFactory(domain=DomainFactory(exam=self.exam))])


class LLMCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "aigen.LLMCall"

    job = factory.SubFactory(GenerationJobFactory)
    model = "test/model"
    outcome = "ok"
    status_code = 200
    prompt_tokens = 1000
    completion_tokens = 2000
    cost_usd = "0.005"
    latency_ms = 1200


# --- billing ------------------------------------------------------------------------------
def _a_month_from_now():
    from datetime import timedelta

    return timezone.now() + timedelta(days=30)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A learner's active monthly Pro subscription, as folded in from Stripe."""

    class Meta:
        model = "billing.Subscription"

    user = factory.SubFactory(UserFactory)
    stripe_id = factory.Sequence(lambda n: f"sub_test{n:06d}")
    customer_id = factory.Sequence(lambda n: f"cus_test{n:06d}")
    status = "active"
    price_id = "price_PingToPassProMonthly"
    interval = "month"
    current_period_end = factory.LazyFunction(_a_month_from_now)


def pro_subscription(user):
    """Put the user on Pro the way a paying learner is: a real active subscription row (the suite
    runs on the production default, Free, so a test that needs Pro asks for it here)."""
    return SubscriptionFactory(user=user)


def reloaded(user):
    """The user as their next request loads them (the plan and the allowance live on the row)."""
    return type(user).objects.get(pk=user.pk)
