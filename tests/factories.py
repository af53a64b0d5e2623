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


def _default_choices(question):
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


def reloaded(user):
    """The user as their next request loads them (the plan and the allowance live on the row)."""
    return type(user).objects.get(pk=user.pk)
