"""Drafts written by the model in an account's voice, through aigen's client (aigen.client.LLMClient:
its retries, timeouts and attribution headers) and aigen's call log (aigen.services.LLMCallRecorder,
purpose "growth_draft", made for the account), so every draft's model call is in the same LLM call
log, the same cost page and the same month's AI budget (settings.AI_MONTHLY_BUDGET_USD) as aigen's
generation jobs. A draft is only ever a draft: a person approves it before anything is posted."""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.audit import audit_log
from aigen.client import LLMClient, LLMFailed
from aigen.costs import prompt_tokens_guess, tokens_cost, usd
from aigen.models import LLMCall
from aigen.selectors import budget_status
from aigen.services import LLMCallRecorder, ai_configured
from exams.models import Question
from growth.models import Draft, Opportunity, VoiceProfile, XAccount
from growth.services.posting import draft_warnings, opportunity_move

MAX_CHARS = 280
LINK_CHARS = 23  # X counts every link as 23 characters


class DraftRefused(Exception):
    """No draft was written; the message says why."""


def _budget_check(estimate: Decimal) -> None:
    budget = budget_status()
    if estimate > budget.left:
        raise DraftRefused(f"Not drafted: the monthly AI budget of {usd(budget.limit)} is spent "
                           f"({usd(budget.left)} left, a draft costs about {usd(estimate)}).")


def _voice_prompt(voice: VoiceProfile) -> str:
    parts = [
        f"You write for the X account @{voice.account.username}.",
        f"Persona: {voice.persona}", f"Audience: {voice.audience}", f"Tone: {voice.tone}",
    ]
    if voice.topics.strip():
        parts.append(f"Topics: {', '.join(voice._lines(voice.topics))}")
    if voice.words_to_use.strip():
        parts.append(f"Words to use where they fit: {', '.join(voice._lines(voice.words_to_use))}")
    if voice.avoid_list:
        parts.append(f"Never use these words: {', '.join(voice.avoid_list)}")
    if voice.example_posts.strip():
        parts.append(f"Posts in this voice:\n{voice.example_posts.strip()}")
    parts.append("Be accurate and helpful; never give away exam content under NDA; no more than one hashtag; "
                 "no emoji walls. Answer with the text of the post only, no quotes around it.")
    return "\n".join(parts)


def _voice(account: XAccount) -> VoiceProfile:
    voice = VoiceProfile.objects.filter(account=account).select_related("account").first()
    if voice is None:
        raise DraftRefused(f"@{account.username} has no voice profile yet: add one in admin first.")
    return voice


def _complete(account: XAccount, messages: list[dict]) -> tuple[str, LLMCallRecorder]:
    if not ai_configured():
        raise DraftRefused("AI drafting is not configured: set AI_API_KEY (and AI_BASE_URL, AI_MODEL).")
    estimate = tokens_cost(model=settings.AI_MODEL, prompt_tokens=prompt_tokens_guess(messages),
                           completion_tokens=settings.GROWTH_DRAFT_ESTIMATED_COMPLETION_TOKENS)
    _budget_check(estimate)
    recorder = LLMCallRecorder(purpose=LLMCall.Purpose.GROWTH_DRAFT, model=settings.AI_MODEL, estimate=estimate,
                               subject=account)
    try:
        text = LLMClient.from_settings().complete(messages, recorder=recorder, structured=False)
    except LLMFailed as exc:
        raise DraftRefused(f"The model did not write a draft: {exc}") from exc
    return _clean(text), recorder


def _clean(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text.strip("“”").strip()


def draft_write(*, opportunity: Opportunity, user=None, request=None) -> Draft:
    """The model's reply to the opportunity's post, in the account's voice: the opportunity's
    pending draft rewritten, or a new one. The opportunity becomes "drafted"."""
    if not opportunity.is_open:
        raise DraftRefused(f"This opportunity is {opportunity.get_status_display().lower()}.")
    account = opportunity.account
    voice = _voice(account)
    post = opportunity.post
    messages = [
        {"role": "system", "content": _voice_prompt(voice)},
        {"role": "user", "content": (
            f"Write a reply (at most 260 characters) to this post by @{post.author_username or 'someone'}. "
            f"Help them; mention our practice site only if they asked for resources.\n\nThe post:\n{post.text}")},
    ]
    text, recorder = _complete(account, messages)
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if not opportunity.is_open:
            raise DraftRefused(f"This opportunity became {opportunity.get_status_display().lower()} meanwhile.")
        draft = opportunity.drafts.filter(status=Draft.Status.PENDING).first() or Draft(
            account=account, kind=Draft.Kind.REPLY, opportunity=opportunity)
        draft.text, draft.written_by, draft.warnings = text, Draft.Author.AI, draft_warnings(text, voice)
        draft.save()
        if opportunity.status != Opportunity.Status.DRAFTED:
            opportunity_move(opportunity, Opportunity.Status.DRAFTED)
        audit_log("growth_draft_written", request=request, actor=user, target=draft, opportunity=opportunity.pk,
                  cost_usd=str(recorder.cost), llm_calls=[call.pk for call in recorder.calls])
    return draft


def practice_link(question: Question, *, account: XAccount, campaign: str = "question-of-the-day") -> str:
    query = urlencode({"utm_source": "x", "utm_medium": "social", "utm_campaign": campaign,
                       "utm_content": f"{account.username}-q{question.pk}"})
    return f"{settings.GROWTH_SITE_URL.rstrip('/')}{reverse('study:exam_detail', args=[question.exam.code])}?{query}"


def question_of_day_draft(*, account: XAccount, question: Question | None = None, user=None, request=None) -> Draft:
    """A post of our own presenting an approved question of the account's exams, with a link to
    practise it (UTM-tagged), waiting in the queue for approval."""
    if question is None:
        question = (Question.objects.servable().filter(exam__in=account.exams.all())
                    .exclude(pk__in=Draft.objects.filter(account=account, question__isnull=False).values("question_id"))
                    .select_related("exam").order_by("?").first())
    if question is None or not question.is_servable:
        raise DraftRefused(f"No approved question of @{account.username}'s exams is left to post.")
    voice = _voice(account)
    choices = "\n".join(f"- {choice.text}" for choice in question.choices.all())
    link = practice_link(question, account=account)
    messages = [
        {"role": "system", "content": _voice_prompt(voice)},
        {"role": "user", "content": (
            f"Write a 'question of the day' post (at most {MAX_CHARS - LINK_CHARS - 2} characters) for {question.exam.code} "
            f"from this practice question. Ask it; do not give the answer. A link is added after your text.\n\n"
            f"Question: {question.stem}\nChoices:\n{choices}")},
    ]
    text, recorder = _complete(account, messages)
    text = f"{text}\n{link}"
    with transaction.atomic():
        draft = Draft.objects.create(account=account, kind=Draft.Kind.POST, question=question, text=text,
                                     written_by=Draft.Author.AI, warnings=draft_warnings(text, voice))
        audit_log("growth_draft_written", request=request, actor=user, target=draft, question=question.pk,
                  cost_usd=str(recorder.cost), llm_calls=[call.pk for call in recorder.calls])
    return draft
