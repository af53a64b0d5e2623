"""How much an engagement opportunity is worth, from 0 to 100, with its parts shown.

Each part is between 0 and 1 and weighed by settings.GROWTH_SCORE_WEIGHTS:
- relevance: how many of our exams' keywords (exam codes, objective words, watched-search terms)
  the post uses; three or more is full marks;
- reach: the author's followers on a log scale (10 → 0.17, 1,000 → 0.5, 1,000,000 → 1);
- velocity: engagements (likes, replies, reposts, quotes) gained per hour, between two snapshots
  of the post or since it was posted; 20 an hour is full marks;
- recency: 1 for a post just made, falling to 0 at settings.GROWTH_OPPORTUNITY_HOURS;
- summoned: 1 when the author mentioned or quoted us.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "how", "in", "into", "is", "it", "its",
    "of", "on", "or", "that", "the", "their", "this", "to", "use", "using", "what", "when", "which", "with", "within",
    "your", "given", "explain", "compare", "contrast", "summarize", "summarise", "apply", "implement", "analyze",
    "analyse", "concepts", "types", "various", "appropriate", "scenario", "lang",
})
_WORD = re.compile(r"[#@]?[\w][\w\-+.]*[\w+]|[#@]?\w")
FULL_RELEVANCE_MATCHES = 3
FULL_VELOCITY_PER_HOUR = 20.0


def words(text: str) -> set[str]:
    return {w.lstrip("#@").casefold() for w in _WORD.findall(text)}


def keywords_from(texts: Iterable[str]) -> set[str]:
    """The words that make a post relevant: every word of the texts (exam codes, objective names,
    search queries) but stop words, search operators and words of one or two letters."""
    found = set()
    for text in texts:
        for word in words(text):
            if len(word) > 2 and word not in STOPWORDS and ":" not in word and not word.startswith("-"):
                found.add(word)
    return found


@dataclass(frozen=True)
class Score:
    total: int
    parts: dict  # name -> {"value": 0..1, "weight": int}


def score(*, text: str, keywords: set[str], author_followers: int, engagements: int, posted_at: datetime | None,
          now: datetime, summoned: bool, engagements_before: int | None = None,
          before_at: datetime | None = None) -> Score:
    matches = len(words(text) & keywords)
    relevance = min(1.0, matches / FULL_RELEVANCE_MATCHES)
    reach = min(1.0, math.log10(author_followers + 1) / 6)
    if engagements_before is not None and before_at is not None and now > before_at:
        hours = (now - before_at).total_seconds() / 3600
        per_hour = max(0, engagements - engagements_before) / max(hours, 1 / 60)
    elif posted_at is not None and now > posted_at:
        per_hour = engagements / max((now - posted_at).total_seconds() / 3600, 0.25)
    else:
        per_hour = 0.0
    velocity = min(1.0, per_hour / FULL_VELOCITY_PER_HOUR)
    if posted_at is None:
        recency = 0.5
    else:
        age_hours = max(0.0, (now - posted_at).total_seconds() / 3600)
        recency = max(0.0, 1 - age_hours / settings.GROWTH_OPPORTUNITY_HOURS)
    values = {"relevance": relevance, "reach": reach, "velocity": velocity, "recency": recency,
              "summoned": 1.0 if summoned else 0.0}
    weights = settings.GROWTH_SCORE_WEIGHTS
    total_weight = sum(weights.values()) or 1
    total = round(100 * sum(values[name] * weights.get(name, 0) for name in values) / total_weight)
    return Score(total=total, parts={name: {"value": round(value, 3), "weight": weights.get(name, 0)}
                                     for name, value in values.items()})
