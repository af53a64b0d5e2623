from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exams.bank.formats import FORMATS, format_for_name
from exams.bank.importing import bank_import
from exams.bank.records import ImportRefused
from exams.models import Exam, Objective


class Command(BaseCommand):
    help = ("Import questions from Moodle XML, GIFT or our JSON into an exam, pending review; near-duplicates are "
            "skipped, and a file with any problem imports nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument("--exam", required=True, metavar="CODE", help="The exam the questions go to, e.g. SY0-701.")
        parser.add_argument("--objective", metavar="NUMBER",
                            help="The objective for questions whose file names none of the exam's (e.g. 1.2).")
        parser.add_argument("--format", choices=list(FORMATS), dest="format_key",
                            help="moodle, gift or json (default: from the file's extension).")

    def handle(self, *args, file, exam, objective, format_key, **options):
        path = Path(file)
        target = Exam.objects.filter(code=exam).first()
        if target is None:
            raise CommandError(f"No exam with code {exam!r}.")
        chosen = None
        if objective:
            chosen = Objective.objects.filter(domain__exam=target, number=objective).first()
            if chosen is None:
                raise CommandError(f"{target.code} has no objective {objective!r}.")
        if format_key is None:
            detected = format_for_name(path.name)
            if detected is None:
                raise CommandError(f"Cannot tell the format of {path.name}: give --format ({', '.join(FORMATS)}).")
            format_key = detected.key
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        try:
            result = bank_import(exam=target, data=data, format_key=format_key, objective=chosen, filename=path.name)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(f"Nothing imported from {path.name}: {len(refused.problems)} problem(s).") from None
        for line in result.duplicates + result.notes:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(
            f"Imported {len(result.created)} question(s) into {target.code}, pending review; "
            f"{len(result.duplicates)} near-duplicate(s) skipped."
        ))
