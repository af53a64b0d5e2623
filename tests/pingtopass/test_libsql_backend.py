"""The libSQL backend (pingtopass/db/libsql) against real libSQL files, through Django's ORM.

Each test gets a copy of a libSQL file migrated with the project's migrations, as database alias
"libsql", whatever database the rest of the suite runs on.
"""

import datetime
import threading
import time
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.db import (
    IntegrityError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    connections,
    transaction,
)
from django.db.models import DateField, DateTimeField, DurationField, ExpressionWrapper, F, StdDev, Sum, Value, Variance
from django.db.models.functions import (
    MD5,
    ExtractIsoWeekDay,
    ExtractIsoYear,
    ExtractMonth,
    ExtractQuarter,
    ExtractWeek,
    ExtractWeekDay,
    Log,
    LPad,
    Mod,
    Random,
    Repeat,
    RPad,
    TruncDate,
    TruncHour,
    TruncMonth,
    TruncQuarter,
    TruncTime,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone

from exams.models import Domain, Exam, Objective, Question
from pingtopass.db.libsql import dbapi
from tests.pingtopass.libsql_support import libsql_database

UTC = datetime.UTC


def make_exam(alias, code, **fields):
    defaults = {"name": code, "vendor": "V", "question_count": 10, "duration_minutes": 20}
    return Exam.objects.using(alias).create(code=code, **{**defaults, **fields})


def exams_created_at(alias, *moments):
    """One exam per moment, created_at set to it; returns their ids in order."""
    ids = []
    for i, moment in enumerate(moments):
        exam = make_exam(alias, f"E-{i}")
        Exam.objects.using(alias).filter(pk=exam.pk).update(created_at=moment)
        ids.append(exam.pk)
    return ids


# --- Parameters --------------------------------------------------------------------------------
def test_it_binds_dates_times_decimals_uuids_buffers_and_large_ints(libsql):
    moment = datetime.datetime(2024, 5, 6, 10, 11, 12, 123456)
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    values = [moment, moment.date(), moment.time(), Decimal("12.50"), key, memoryview(b"\x00\x01"), 2**40, -(2**62), 2**31]
    with connections[libsql].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["%s"] * len(values)), values)
        row = cursor.fetchone()
    assert row == (
        "2024-05-06 10:11:12.123456", "2024-05-06", "10:11:12.123456", "12.50", key.hex, b"\x00\x01", 2**40, -(2**62), 2**31
    )
    assert all(type(value) is int for value in row[-3:])


def test_it_takes_lists_tuples_and_named_parameters(libsql):
    ids = [make_exam(libsql, code).pk for code in ("A-1", "B-2", "C-3")]
    assert list(Exam.objects.using(libsql).filter(pk__in=ids[:2]).values_list("code", flat=True)) == ["A-1", "B-2"]
    with connections[libsql].cursor() as cursor:
        cursor.execute("SELECT code FROM exams_exam WHERE id IN (%s, %s) ORDER BY code", [ids[0], ids[2]])
        assert cursor.fetchall() == [("A-1",), ("C-3",)]
        cursor.execute("SELECT %(big)s - %(small)s, %(small)s, '100%%'", {"small": 1, "big": 2**53 + 1})
        assert cursor.fetchone() == (2**53, 1, "100%")


def test_it_refuses_a_parameter_it_cannot_store(libsql):
    with pytest.raises(ProgrammingError, match="parameter 1: type 'object'"), connections[libsql].cursor() as cursor:
        cursor.execute("SELECT %s", [object()])


def test_it_stops_at_the_end_of_a_result_instead_of_starting_over(libsql):
    with connections[libsql].cursor() as cursor:
        cursor.execute("SELECT 1 UNION ALL SELECT 2")
        assert [cursor.fetchone(), cursor.fetchone(), cursor.fetchone(), cursor.fetchone()] == [(1,), (2,), None, None]
        cursor.execute("SELECT 1 UNION ALL SELECT 2")
        assert cursor.fetchmany(2) == [(1,), (2,)]
        assert cursor.fetchmany(2) == []
        assert cursor.fetchall() == []


def test_it_reads_back_decimals_dates_and_booleans_as_python_values(libsql):
    make_exam(libsql, "D-1", price=Decimal("19.99"), retirement_date=datetime.date(2026, 1, 31), is_beta=True)
    make_exam(libsql, "D-2", price=Decimal("0.01"))
    exam = Exam.objects.using(libsql).get(code="D-1")
    assert (exam.price, exam.retirement_date, exam.is_beta) == (Decimal("19.99"), datetime.date(2026, 1, 31), True)
    assert exam.created_at.tzinfo is not None
    assert Exam.objects.using(libsql).aggregate(total=Sum("price"))["total"] == Decimal("20.00")


# --- Errors ------------------------------------------------------------------------------------
def test_a_unique_violation_is_an_integrity_error(libsql):
    exam = make_exam(libsql, "U-1")
    Domain.objects.using(libsql).create(exam=exam, number="1.0", name="One", weight=50, position=1)
    with pytest.raises(IntegrityError, match="UNIQUE constraint failed"), transaction.atomic(using=libsql):
        Domain.objects.using(libsql).create(exam=exam, number="1.0", name="Again", weight=50, position=2)


def test_a_check_constraint_violation_is_an_integrity_error(libsql):
    with pytest.raises(IntegrityError, match="exam_question_count_positive"), transaction.atomic(using=libsql):
        make_exam(libsql, "C-1", question_count=0)


def test_a_content_trigger_refusing_a_save_is_an_integrity_error(libsql):
    # exams 0002: a question's objective must belong to the question's exam. The trigger's
    # RAISE message names no constraint; the backend knows it from the trigger's SQL.
    exam, other = make_exam(libsql, "T-1"), make_exam(libsql, "T-2")
    domain = Domain.objects.using(libsql).create(exam=other, number="1.0", name="D", weight=100, position=1)
    objective = Objective.objects.using(libsql).create(domain=domain, number="1.1", name="O")
    question = Question(exam=exam, objective=objective, stem="?", explanation="!")
    refused = pytest.raises(IntegrityError, match="question objective must belong to the question exam")
    with refused, transaction.atomic(using=libsql):
        question.save(using=libsql)
    assert not Question.objects.using(libsql).exists()


def test_bad_sql_is_an_operational_error_not_an_integrity_error(libsql):
    with pytest.raises(OperationalError, match="no such table: nowhere"), connections[libsql].cursor() as cursor:
        cursor.execute("SELECT * FROM nowhere")


# --- Dates and times, in SQL instead of Django's Python functions ------------------------------
def test_it_filters_on_parts_of_a_datetime(libsql):
    march, june, late_december = exams_created_at(
        libsql,
        datetime.datetime(2024, 3, 10, 8, 30, tzinfo=UTC),
        datetime.datetime(2024, 6, 15, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(2024, 12, 30, 12, 0, tzinfo=UTC),
    )
    exams = Exam.objects.using(libsql)
    assert set(exams.filter(created_at__year=2024).values_list("pk", flat=True)) == {march, june, late_december}
    assert list(exams.filter(created_at__month=6).values_list("pk", flat=True)) == [june]
    assert list(exams.filter(created_at__date=datetime.date(2024, 3, 10)).values_list("pk", flat=True)) == [march]
    assert list(exams.filter(created_at__quarter=4).values_list("pk", flat=True)) == [late_december]
    assert list(exams.filter(created_at__week_day=1).values_list("pk", flat=True)) == [march]  # a Sunday
    assert list(exams.filter(created_at__iso_year=2025).values_list("pk", flat=True)) == [late_december]
    assert list(exams.filter(created_at__hour=23, created_at__second=59).values_list("pk", flat=True)) == [june]
    assert list(exams.filter(created_at__time=datetime.time(23, 59, 59, 999999)).values_list("pk", flat=True)) == [june]


def test_it_extracts_and_truncates_like_djangos_sqlite_functions(libsql):
    moment = datetime.datetime(2024, 12, 29, 22, 45, 30, 500000, tzinfo=UTC)  # a Sunday, ISO week 52
    exams_created_at(libsql, moment)
    row = Exam.objects.using(libsql).annotate(
        month=ExtractMonth("created_at"), quarter=ExtractQuarter("created_at"), week=ExtractWeek("created_at"),
        iso_year=ExtractIsoYear("created_at"), week_day=ExtractWeekDay("created_at"),
        iso_week_day=ExtractIsoWeekDay("created_at"), day=TruncDate("created_at"), time=TruncTime("created_at"),
        year_start=TruncYear("created_at"), quarter_start=TruncQuarter("created_at"),
        month_start=TruncMonth("created_at", output_field=DateField()), week_start=TruncWeek("created_at"),
        hour=TruncHour("created_at"),
    ).values(
        "month", "quarter", "week", "iso_year", "week_day", "iso_week_day", "day", "time", "year_start",
        "quarter_start", "month_start", "week_start", "hour",
    ).get()
    assert row == {
        "month": 12, "quarter": 4, "week": 52, "iso_year": 2024, "week_day": 1, "iso_week_day": 7,
        "day": datetime.date(2024, 12, 29), "time": datetime.time(22, 45, 30, 500000),
        "year_start": datetime.datetime(2024, 1, 1, tzinfo=UTC),
        "quarter_start": datetime.datetime(2024, 10, 1, tzinfo=UTC), "month_start": datetime.date(2024, 12, 1),
        "week_start": datetime.datetime(2024, 12, 23, tzinfo=UTC),
        "hour": datetime.datetime(2024, 12, 29, 22, tzinfo=UTC),
    }


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Kolkata"])
def test_it_moves_datetimes_into_a_time_zone_across_daylight_saving_changes(libsql, zone):
    tz = zoneinfo.ZoneInfo(zone)
    # Every 37 minutes over the days around both 2024 changes, and a few moments long ago.
    moments = [
        start + datetime.timedelta(minutes=37 * step)
        for start in (datetime.datetime(2024, 3, 8, tzinfo=UTC), datetime.datetime(2024, 10, 25, tzinfo=UTC))
        for step in range(0, 4 * 24 * 60 // 37)
    ] + [datetime.datetime(1950, 7, 1, 12, tzinfo=UTC), datetime.datetime(2099, 1, 1, tzinfo=UTC)]
    exams = Exam.objects.using(libsql)
    exams.bulk_create(
        Exam(code=f"Z-{i}", name="Z", vendor="V", question_count=1, duration_minutes=1) for i in range(len(moments))
    )
    with transaction.atomic(using=libsql):
        for pk, moment in zip(exams.order_by("pk").values_list("pk", flat=True), moments, strict=True):
            exams.filter(pk=pk).update(created_at=moment)
    rows = exams.annotate(
        day=TruncDate("created_at", tzinfo=tz), hour=TruncHour("created_at", tzinfo=tz),
        month=ExtractMonth("created_at", tzinfo=tz),
    ).order_by("pk").values_list("created_at", "day", "hour", "month")
    for created_at, day, hour, month in rows:
        local = created_at.astimezone(tz).replace(tzinfo=None)
        assert (day, hour.astimezone(tz).replace(tzinfo=None), month) == (
            local.date(), local.replace(minute=0, second=0, microsecond=0), local.month
        ), created_at
    with timezone.override(tz):
        local_day = datetime.datetime(2024, 3, 10, 12, tzinfo=UTC).astimezone(tz).date()
        expected = sum(1 for moment in moments if moment.astimezone(tz).date() == local_day)
        assert exams.filter(created_at__date=local_day).count() == expected


def test_it_adds_and_subtracts_durations_to_the_microsecond(libsql):
    [pk] = exams_created_at(libsql, datetime.datetime(2024, 2, 28, 23, 0, 0, 250000, tzinfo=UTC))
    exams = Exam.objects.using(libsql).filter(pk=pk)
    exams.update(updated_at=datetime.datetime(2024, 3, 1, 1, 30, 0, 0, tzinfo=UTC), retirement_date=datetime.date(2024, 2, 28))
    later = datetime.timedelta(days=1, hours=2, microseconds=750001)
    row = exams.annotate(
        length=ExpressionWrapper(F("updated_at") - F("created_at"), output_field=DurationField()),
        moved=ExpressionWrapper(F("created_at") + later, output_field=DateTimeField()),
        earlier=ExpressionWrapper(F("created_at") - later, output_field=DateTimeField()),
        retired_later=ExpressionWrapper(F("retirement_date") + datetime.timedelta(days=2), output_field=DateField()),
    ).values("length", "moved", "earlier", "retired_later").get()
    assert row == {
        "length": datetime.timedelta(days=1, hours=2, minutes=29, seconds=59, microseconds=750000),
        "moved": datetime.datetime(2024, 3, 1, 1, 0, 1, 1, tzinfo=UTC),
        "earlier": datetime.datetime(2024, 2, 27, 20, 59, 59, 499999, tzinfo=UTC),
        "retired_later": datetime.date(2024, 3, 1),
    }
    # Durations past 2**31 microseconds (36 minutes) keep every digit.
    assert exams.filter(updated_at__gt=F("created_at") + datetime.timedelta(days=1, hours=2)).exists()
    assert not exams.filter(updated_at__gt=F("created_at") + datetime.timedelta(days=1, hours=3)).exists()


# --- Other functions Django's SQLite backend registers in Python -------------------------------
def test_it_computes_the_text_and_math_functions_in_sql(libsql):
    make_exam(libsql, "AB", question_count=7, price=Decimal("2.00"))
    make_exam(libsql, "CD", question_count=9, price=Decimal("4.00"))
    row = Exam.objects.using(libsql).filter(code="AB").annotate(
        left=LPad("code", 5, Value("xy")), right=RPad("code", 5, Value("-")), twice=Repeat("code", 2),
        short=LPad("code", 1), remainder=Mod("question_count", 4), log=Log(2, 8), random=Random(),
    ).values("left", "right", "twice", "short", "remainder", "log", "random").get()
    assert (row["left"], row["right"], row["twice"], row["short"]) == ("xyxAB", "AB---", "ABAB", "A")
    assert row["remainder"] == 3 and row["log"] == pytest.approx(3)
    assert 0 <= row["random"] < 1
    spread = Exam.objects.using(libsql).aggregate(
        population=Variance("question_count"), sample=Variance("question_count", sample=True),
        deviation=StdDev("question_count"),
    )
    assert spread == {"population": pytest.approx(1), "sample": pytest.approx(2), "deviation": pytest.approx(1)}
    assert list(Exam.objects.using(libsql).filter(code__iregex=r"^a[b-c]$").values_list("code", flat=True)) == ["AB"]
    assert len(Exam.objects.using(libsql).order_by("?")) == 2


def test_a_function_without_a_native_form_is_refused_clearly(libsql):
    with pytest.raises(NotSupportedError, match=r"MD5\(\) is not supported on libSQL"):
        list(Exam.objects.using(libsql).annotate(digest=MD5("code")))


# --- Transactions ------------------------------------------------------------------------------
def test_an_atomic_block_rolls_back_and_savepoints_roll_back_on_their_own(libsql):
    exams = Exam.objects.using(libsql)
    with transaction.atomic(using=libsql):
        make_exam(libsql, "KEEP-1")
        with pytest.raises(IntegrityError), transaction.atomic(using=libsql):
            make_exam(libsql, "GONE-1")
            make_exam(libsql, "KEEP-1")
        make_exam(libsql, "KEEP-2")
    with pytest.raises(RuntimeError), transaction.atomic(using=libsql):
        make_exam(libsql, "GONE-2")
        raise RuntimeError
    assert sorted(exams.values_list("code", flat=True)) == ["KEEP-1", "KEEP-2"]


def test_manual_transactions_begin_on_their_own(libsql):
    transaction.set_autocommit(False, using=libsql)
    try:
        make_exam(libsql, "MANUAL")
        assert connections[libsql].connection.in_transaction
        transaction.rollback(using=libsql)
    finally:
        transaction.set_autocommit(True, using=libsql)
    assert not Exam.objects.using(libsql).exists()


def test_atomic_blocks_take_the_write_lock_when_they_begin(libsql):
    path = connections[libsql].settings_dict["NAME"]
    other = dbapi.connect(path, timeout=0.2)
    with transaction.atomic(using=libsql):
        Exam.objects.using(libsql).exists()  # only a read so far: BEGIN IMMEDIATE already took the lock
        with pytest.raises(dbapi.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
    other.close()


def test_a_writer_waits_for_another_threads_transaction_instead_of_stalling_it(libsql):
    # libSQL holds the GIL while it waits for a lock, so waiting inside libSQL would keep the
    # thread that holds the lock from committing. The backend waits in Python instead.
    path = connections[libsql].settings_dict["NAME"]
    started, committing = threading.Event(), []

    def hold_a_transaction():
        with libsql_database(path, alias="libsql_other") as other, transaction.atomic(using=other):
            make_exam(other, "FIRST")
            started.set()
            time.sleep(0.3)
            # Taken just before the block commits: the other writer can run as soon as the
            # commit releases the lock, before this thread would get to read the clock again.
            committing.append(time.monotonic())

    thread = threading.Thread(target=hold_a_transaction)
    thread.start()
    started.wait(5)
    begun = time.monotonic()
    make_exam(libsql, "SECOND")
    written = time.monotonic()
    thread.join()
    assert committing[0] <= written < begun + 2
    assert sorted(Exam.objects.using(libsql).values_list("code", flat=True)) == ["FIRST", "SECOND"]
