"""The bank check: what an exam's bank holds, measured against the rules a learner's bank must keep.

The rules are in one place below (EVERY_EXAM for what holds for all exams, EXAM_RULES for each
exam's own), so a reader sees them. `bank_check` measures one exam's bank (read from the database
or from its seed file, exams/bank/records.py) and lists every rule it breaks; the command
(`manage.py bank_check`) and the moderators' admin page show the same report.
"""

from collections import Counter
from dataclasses import dataclass, field

from exams.bank.records import ExamRecord, QuestionRecord
from exams.bank.references import reference_problem
from exams.bank.similarity import near_duplicate_pairs
from exams.question_types import TYPES


@dataclass(frozen=True)
class ExamRules:
    """What one exam's bank must hold beyond what every bank must."""

    min_questions: int = 0  # approved questions: two full mock exams without repeats, and a reserve
    allowed_types: frozenset[str] | None = None  # None: any type
    multiple_share: tuple[float, float] | None = None  # (target %, tolerance in points) of "choose N"
    true_false_allowed: bool = True  # False: any true/false item breaks a rule; True: a warning count
    min_performance_based: int = 0
    min_cli_labs: int = 0
    min_exhibit_share: float = 0  # % of questions with an exhibit (image or fenced code block)


@dataclass(frozen=True)
class EveryExam:
    objective_min: int = 5  # questions per objective, with one at 1–2 and one at 4–5
    difficulty_targets: tuple = (("1–2", (1, 2), 20), ("3", (3,), 50), ("4–5", (4, 5), 30))  # % of questions
    difficulty_tolerance: float = 7  # points either side
    domain_tolerance: float = 2  # points either side of the blueprint weight (share in points)
    key_position_max: float = 35  # % of single-choice questions keyed at one stored position
    longest_key_max: float = 40  # % of single-choice questions whose key is the longest choice


EVERY_EXAM = EveryExam()
EXAM_RULES: dict[str, ExamRules] = {
    "SY0-701": ExamRules(min_questions=200, min_performance_based=12),
    "SAA-C03": ExamRules(min_questions=150, allowed_types=frozenset({"single", "multiple"}), multiple_share=(20, 7),
                         true_false_allowed=False),
    "200-301": ExamRules(min_questions=300, min_performance_based=12, min_cli_labs=6, min_exhibit_share=40),
}
# What some rules are about, named by the type's key (Question.Type): the key position and longest
# choice of single-choice questions, the share of "choose N" ones, true/false items and CLI labs
# (0 until that type is registered). Everything else about a type, the registry answers.
SINGLE_TYPE, CHOOSE_N_TYPE, TRUE_FALSE_TYPE, CLI_TYPE = "single", "multiple", "truefalse", "cli"


@dataclass
class Row:
    """One line of a count table: what is counted, how many, its share and, where a rule sets one,
    the target and whether it is met."""

    label: str
    count: int
    share: float = 0.0
    target: str = ""
    ok: bool = True
    note: str = ""


@dataclass
class Pair:
    first: str
    second: str
    ratio: float
    first_stem: str
    second_stem: str


@dataclass
class BankReport:
    code: str
    name: str
    source: str
    total: int
    types: list[Row] = field(default_factory=list)
    difficulty: list[Row] = field(default_factory=list)
    domains: list[Row] = field(default_factory=list)
    objectives: list[Row] = field(default_factory=list)
    key_positions: list[Row] = field(default_factory=list)
    single_count: int = 0
    longest_key_share: float = 0.0
    duplicates: list[Pair] = field(default_factory=list)
    bad_references: list[Row] = field(default_factory=list)
    content_problems: list[str] = field(default_factory=list)
    exhibit_share: float = 0.0
    true_false: int = 0
    performance_based: int = 0
    cli_labs: int = 0
    broken: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def percent(part: float, whole: float) -> float:
    return 100 * part / whole if whole else 0.0


def _type_label(key: str) -> str:
    return TYPES[key].label if key in TYPES else key


def _key_index(question: QuestionRecord) -> int:
    return next(i for i, c in enumerate(question.choices) if c.is_correct)


def _key_is_longest(question: QuestionRecord) -> bool:
    """The key is strictly longer than every other choice (a tie tells nothing)."""
    key = _key_index(question)
    key_length = len(question.choices[key].text.strip())
    return all(len(c.text.strip()) < key_length for i, c in enumerate(question.choices) if i != key)


def bank_check(bank: ExamRecord, *, rules: ExamRules | None = None, every: EveryExam = EVERY_EXAM) -> BankReport:
    """Measure one exam's bank and list every rule it breaks."""
    rules = rules if rules is not None else EXAM_RULES.get(bank.code, ExamRules())
    report = BankReport(code=bank.code, name=bank.name, source=bank.source, total=len(bank.questions))
    if report.total < rules.min_questions:
        report.broken.append(f"{report.total} approved questions; the bank needs at least {rules.min_questions}.")
    _check_types(report, bank.questions, rules)
    _check_difficulty(report, bank.questions, every)
    _check_domains(report, bank, every)
    _check_objectives(report, bank, every)
    _check_tells(report, bank.questions, every)
    _check_texts(report, bank.questions, rules)
    return report


def _check_types(report: BankReport, questions: list[QuestionRecord], rules: ExamRules) -> None:
    broken, total = report.broken, report.total
    types = Counter(q.type for q in questions)
    kinds = {q.type: q.kind for q in questions}
    for key, count in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])):
        allowed = rules.allowed_types is None or key in rules.allowed_types
        kind = kinds[key]
        note = "unknown type" if kind is None else ("performance-based" if kind.performance_based else "")
        report.types.append(Row(_type_label(key), count, percent(count, total), ok=allowed and kind is not None, note=note))
    others = {k: n for k, n in types.items() if rules.allowed_types is not None and k not in rules.allowed_types}
    if others:
        listed = ", ".join(f"{_type_label(k)} {n}" for k, n in sorted(others.items()))
        allowed = " and ".join(sorted(_type_label(k) for k in rules.allowed_types))
        broken.append(f"Only {allowed} questions belong in this exam; found {listed}.")
    if unknown := sorted(k for k, kind in kinds.items() if kind is None):
        broken.append(f"Question types the site does not know: {', '.join(unknown)}.")
    if rules.multiple_share is not None:
        target, tolerance = rules.multiple_share
        share = percent(types.get(CHOOSE_N_TYPE, 0), total)
        if abs(share - target) > tolerance:
            broken.append(f'"Choose N" questions are {share:.1f}% of the bank; they should be {target:.0f}% (±{tolerance:.0f}).')
    report.true_false = types.get(TRUE_FALSE_TYPE, 0)
    if report.true_false:
        message = f"{report.true_false} true/false question(s): no such item on this exam."
        (report.warnings if rules.true_false_allowed else broken).append(message)
    report.performance_based = sum(1 for q in questions if q.kind and q.kind.performance_based)
    report.cli_labs = types.get(CLI_TYPE, 0)
    if report.performance_based < rules.min_performance_based:
        broken.append(f"{report.performance_based} performance-based questions; at least {rules.min_performance_based} needed.")
    if report.cli_labs < rules.min_cli_labs:
        broken.append(f"{report.cli_labs} CLI labs; at least {rules.min_cli_labs} needed.")


def _check_difficulty(report: BankReport, questions: list[QuestionRecord], every: EveryExam) -> None:
    tolerance = every.difficulty_tolerance
    for label, levels, target in every.difficulty_targets:
        count = sum(1 for q in questions if q.difficulty in levels)
        share = percent(count, report.total)
        ok = abs(share - target) <= tolerance
        report.difficulty.append(Row(label, count, share, f"{target}% ±{tolerance:g}", ok))
        if report.total and not ok:
            report.broken.append(f"Difficulty {label} is {share:.1f}% of the bank; it should be {target}% (±{tolerance:g}).")


def _check_domains(report: BankReport, bank: ExamRecord, every: EveryExam) -> None:
    """Each domain's share of the points (a performance-based question may weigh more than one)."""
    domain_of = bank.domain_of()
    points = Counter()
    for q in bank.questions:
        points[domain_of.get(q.objective)] += q.points
    all_points, tolerance = sum(points.values()), every.domain_tolerance
    for domain in bank.domains:
        share = percent(points[domain.number], all_points)
        ok = abs(share - domain.weight) <= tolerance
        report.domains.append(Row(f"{domain.number} {domain.name}", points[domain.number], share,
                                  f"{domain.weight}% ±{tolerance:g}", ok))
        if report.total and not ok:
            report.broken.append(f"Domain {domain.number} holds {share:.1f}% of the points; its weight is "
                                 f"{domain.weight}% (±{tolerance:g}).")
    if stray := [q.label for q in bank.questions if q.objective not in domain_of]:
        report.broken.append(f"Questions on an objective that is not in the blueprint: {', '.join(stray)}.")


def _check_objectives(report: BankReport, bank: ExamRecord, every: EveryExam) -> None:
    by_objective: dict[str, list[QuestionRecord]] = {}
    for q in bank.questions:
        by_objective.setdefault(q.objective, []).append(q)
    thin = []
    for objective in (o for d in bank.domains for o in d.objectives):
        held = by_objective.get(objective.number, [])
        problems = [f"{len(held)} of {every.objective_min}"] if len(held) < every.objective_min else []
        if not any(q.difficulty <= 2 for q in held):
            problems.append("no easy (1–2)")
        if not any(q.difficulty >= 4 for q in held):
            problems.append("no hard (4–5)")
        report.objectives.append(Row(f"{objective.number} {objective.name}", len(held), target=f"≥ {every.objective_min}",
                                     ok=not problems, note=", ".join(problems)))
        if problems:
            thin.append(objective.number)
    if thin:
        report.broken.append(f"{len(thin)} objective(s) short of {every.objective_min} questions with an easy (1–2) "
                             f"and a hard (4–5) one: {', '.join(thin)}.")


def _check_tells(report: BankReport, questions: list[QuestionRecord], every: EveryExam) -> None:
    """Where single-choice questions store their key, and how often it is the longest choice."""
    by_type: dict[str, list[QuestionRecord]] = {}
    for q in questions:
        by_type.setdefault(q.type, []).append(q)
    singles = [q for q in by_type.get(SINGLE_TYPE, []) if any(c.is_correct for c in q.choices)]
    report.single_count = len(singles)
    positions = Counter(_key_index(q) for q in singles)
    for index in range(max(positions, default=-1) + 1):
        share = percent(positions[index], len(singles))
        report.key_positions.append(Row(chr(65 + index), positions[index], share, f"≤ {every.key_position_max:g}%",
                                        share <= every.key_position_max))
    if singles:
        index, count = positions.most_common(1)[0]
        share = percent(count, len(singles))
        if share > every.key_position_max:
            report.broken.append(f"The key is stored at position {chr(65 + index)} in {share:.1f}% of single-choice "
                                 f"questions; at most {every.key_position_max:g}%.")
    report.longest_key_share = percent(sum(1 for q in singles if _key_is_longest(q)), len(singles))
    if report.longest_key_share > every.longest_key_max:
        report.broken.append(f"The key is the longest choice in {report.longest_key_share:.1f}% of single-choice "
                             f"questions; at most {every.longest_key_max:g}%.")


def _check_texts(report: BankReport, questions: list[QuestionRecord], rules: ExamRules) -> None:
    """Near-duplicates across the whole bank, references, exhibits and the content rules."""
    broken = report.broken
    for pair in near_duplicate_pairs([q.stem for q in questions]):
        first, second = questions[pair.first], questions[pair.second]
        report.duplicates.append(Pair(first.label, second.label, pair.ratio, first.stem, second.stem))
    if report.duplicates:
        broken.append(f"{len(report.duplicates)} near-duplicate pair(s): "
                      + ", ".join(f"{p.first} and {p.second}" for p in report.duplicates) + ".")
    for q in questions:
        if problem := reference_problem(q.reference):
            report.bad_references.append(Row(q.label, 0, note=f"{q.reference or '—'}: {problem}", ok=False))
    if report.bad_references:
        broken.append(f"{len(report.bad_references)} reference(s) not https on an allowed host: "
                      + ", ".join(row.label for row in report.bad_references) + ".")
    report.exhibit_share = percent(sum(1 for q in questions if q.has_exhibit), report.total)
    if report.exhibit_share < rules.min_exhibit_share:
        broken.append(f"{report.exhibit_share:.1f}% of questions carry an exhibit; at least {rules.min_exhibit_share:g}%.")
    for q in questions:
        report.content_problems += [f"{q.label}: {error}" for error in q.content_errors()]
    if report.content_problems:
        broken.append(f"{len(report.content_problems)} content-rule problem(s): " + "; ".join(report.content_problems))
