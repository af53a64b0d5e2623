from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exams.bank.exporting import bank_export
from exams.bank.formats import EXPORT_FORMATS
from exams.models import Exam


class Command(BaseCommand):
    help = "Export an exam's approved, active questions as our JSON (a seed file) or Moodle XML."

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE", help="The exam, e.g. SY0-701.")
        parser.add_argument("--format", choices=list(EXPORT_FORMATS), default="json", dest="format_key")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here instead of to standard output.")

    def handle(self, *args, code, format_key, output, **options):
        exam = Exam.objects.filter(code=code).first()
        if exam is None:
            raise CommandError(f"No exam with code {code!r}.")
        export = bank_export(exam=exam, format_key=format_key)
        for label in export.skipped:
            self.stderr.write(f"{label}: left out, {EXPORT_FORMATS[format_key].label} has no such question type.")
        if output is None:
            self.stdout.write(export.data.decode(), ending="")
            return
        try:
            Path(output).write_bytes(export.data)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
        self.stderr.write(f"Wrote {export.count} question(s) of {exam.code} to {output}.")
