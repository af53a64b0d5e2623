from django.core.management.base import BaseCommand, CommandError

from exams.bank.check import BankReport, bank_check
from exams.bank.records import UnreadableBank, exam_record_from_database, exam_record_from_file, seed_path
from exams.models import Exam
from exams.seed import seed_files


class Command(BaseCommand):
    help = ("Measure each exam's question bank (types, difficulty, domains, objectives, tells, near-duplicates, "
            "references, exhibits) against the bank rules (exams/bank/check.py); exit 1 when any is broken.")

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="CODE", help="Exam codes (default: every exam).")
        parser.add_argument("--files", action="store_true",
                            help="Read exams/seed_data/<CODE>.json instead of the database (no database needed).")
        parser.add_argument("--warn-only", action="store_true", help="Print the same report but exit 0.")

    def handle(self, *args, codes, files, warn_only, **options):
        banks = self._from_files(codes) if files else self._from_database(codes)
        reports = [bank_check(bank) for bank in banks]
        for report in reports:
            self._print(report)
        failing = [r.code for r in reports if not r.ok]
        if not failing:
            self.stdout.write(self.style.SUCCESS(f"Every bank keeps the rules ({', '.join(r.code for r in reports)})."))
            return
        summary = f"Rules broken in {', '.join(failing)}."
        if warn_only:
            self.stdout.write(self.style.WARNING(f"{summary} (--warn-only: exit 0)"))
            return
        raise CommandError(summary)  # exit status 1

    def _from_files(self, codes):
        paths = [seed_path(code) for code in codes] if codes else seed_files()
        if missing := [p.name for p in paths if not p.exists()]:
            raise CommandError(f"No seed file: {', '.join(missing)}.")
        try:
            return [exam_record_from_file(path) for path in paths]
        except UnreadableBank as exc:
            raise CommandError(str(exc)) from exc

    def _from_database(self, codes):
        exams = list(Exam.objects.filter(code__in=codes) if codes else Exam.objects.all())
        if missing := sorted(set(codes) - {e.code for e in exams}):
            raise CommandError(f"No exam with code {', '.join(missing)} in the database (try --files).")
        if not exams:
            raise CommandError("No exams in the database: seed them first, or read the seed files with --files.")
        return [exam_record_from_database(exam) for exam in exams]

    def _print(self, report: BankReport):
        w = self.stdout.write
        w(self.style.MIGRATE_HEADING(f"\n{report.code} — {report.name} ({report.source}): {report.total} questions"))
        w("Types: " + ", ".join(f"{r.label} {r.count}" + (f" ({r.note})" if r.note else "") for r in report.types))
        w(f"Performance-based: {report.performance_based} (CLI labs {report.cli_labs}); true/false: {report.true_false}; "
          f"with an exhibit: {report.exhibit_share:.0f}%")
        w("Difficulty: " + ", ".join(f"{r.label} {r.count} ({r.share:.0f}%, target {r.target})" for r in report.difficulty))
        w("Domains (share of points against the weight):")
        for row in report.domains:
            w(f"  {'  ' if row.ok else '✗ '}{row.label}: {row.count} points, {row.share:.1f}% (weight {row.target})")
        short = [r for r in report.objectives if not r.ok]
        w(f"Objectives: {len(report.objectives) - len(short)} of {len(report.objectives)} hold ≥ 5 with an easy and a hard one")
        for row in short:
            label = row.label if len(row.label) <= 70 else row.label[:69].rstrip() + "…"
            w(f"  ✗ {label}: {row.count} ({row.note})")
        if report.single_count:
            positions = ", ".join(f"{r.label} {r.share:.0f}%" for r in report.key_positions)
            w(f"Single choice ({report.single_count}): key position {positions}; key is the longest choice in "
              f"{report.longest_key_share:.1f}%")
        w(f"Near-duplicate pairs: {len(report.duplicates)}")
        for pair in report.duplicates:
            w(f"  ✗ {pair.first} ~ {pair.second} ({pair.ratio:.0%}): “{pair.first_stem[:70]}”")
        w(f"References not https on an allowed host: {len(report.bad_references)}")
        for row in report.bad_references:
            w(f"  ✗ {row.label}: {row.note}")
        for warning in report.warnings:
            w(self.style.WARNING(f"Warning: {warning}"))
        if report.ok:
            w(self.style.SUCCESS(f"{report.code}: every rule kept."))
        else:
            w(self.style.ERROR(f"{report.code}: {len(report.broken)} rule(s) broken:"))
            for rule in report.broken:
                w(self.style.ERROR(f"  ✗ {rule}"))
