from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMIN, LEARNER, MODERATOR
from accounts.services import user_set_role
from exams.seed import DEMO_AI_MODEL, SEED_DIR, SeedError, demo_ai_questions_seed, load_exam_file, seed_files

DEMO_USERS = (
    ("learner@pingtopass.local", LEARNER, "Demo Learner"),
    ("moderator@pingtopass.local", MODERATOR, "Demo Moderator"),
    ("admin@pingtopass.local", ADMIN, "Demo Admin"),
)


class Command(BaseCommand):
    help = ("Load exams, blueprints, questions and demo users (and, for dev, a few pending AI questions to review); "
            "name the site from settings. Safe to run repeatedly.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--env", choices=["dev", "test", "prod"], default=None,
            help="dev: three real exams and demo users (default when DEBUG); test: a minimal set; "
                 "prod: only the admin from ADMIN_EMAIL/ADMIN_PASSWORD (default otherwise).",
        )
        parser.add_argument("--force", action="store_true", help="Reload exams that are already there.")
        parser.add_argument("--scale", type=int, metavar="N",
                            help="Instead: create a synthetic exam with N questions, learners and answers (benchmarks).")
        parser.add_argument("--learners", type=int, help="With --scale: how many learners (default 2000).")
        parser.add_argument("--answers", type=int, help="With --scale: how many answers (default 1,000,000).")

    def handle(self, *args, env=None, force=False, scale=None, learners=None, answers=None, **options):
        if scale is not None:
            if env or force:
                raise CommandError("--scale creates its own synthetic exam: it takes no --env or --force.")
            self._scale(scale, 2000 if learners is None else learners, 1_000_000 if answers is None else answers)
            return
        if learners is not None or answers is not None:
            raise CommandError("--learners and --answers go with --scale.")
        env = env or ("dev" if settings.DEBUG else "prod")
        self._name_site()
        if env == "prod":
            self._admin_from_environment()
            return
        files = seed_files() if env == "dev" else sorted((SEED_DIR / "test").glob("*.json"))
        if not files:
            raise CommandError(f"No seed files found in {SEED_DIR}.")
        for path in files:
            try:
                result = load_exam_file(path, force=force)
            except SeedError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{result.exam_code}: {result.status} ({result.questions} questions)")
        if env == "dev":
            added = demo_ai_questions_seed()
            self.stdout.write(f"AI review queue: {added} pending demo question{'s' if added != 1 else ''} added "
                              f"({DEMO_AI_MODEL})" if added else "AI review queue: demo questions already there")
        self._demo_users()

    def _scale(self, questions, learners, answers):
        from study.scale import scale_seed

        if not 10 <= questions <= 5_000_000:
            raise CommandError("--scale must be between 10 and 5,000,000 questions.")
        if learners < 1 or answers < 0:
            raise CommandError("--learners must be at least 1 and --answers at least 0.")
        self.stdout.write(f"Creating SCALE-{questions}: {questions:,} questions, {learners:,} learners, {answers:,} answers")
        result = scale_seed(questions=questions, learners=learners, answers=answers, stdout=self.stdout)
        self.stdout.write(f"Done in {result.seconds:.1f} s.")

    def _name_site(self):
        """The site allauth's emails greet from: SITE_NAME and SITE_DOMAIN, unless an operator has
        renamed it (the same rule as accounts' migration 0008, for databases made before it)."""
        from django.contrib.sites.models import Site

        site = Site.objects.filter(pk=settings.SITE_ID).first()
        if site is not None and site.domain == site.name == "example.com":
            site.domain, site.name = settings.SITE_DOMAIN, settings.SITE_NAME
            site.save(update_fields=["domain", "name"])
        Site.objects.clear_cache()

    def _demo_users(self):
        User = get_user_model()
        password = settings.SEED_DEMO_PASSWORD
        self.stdout.write("Demo users (sign in at /accounts/login/):")
        for email, role, name in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=password, display_name=name)
                self._mark_verified(user)
                user_set_role(user=user, role=role)
                state = "created"
            else:
                state = "exists"
            self.stdout.write(f"  {role:<10} {email:<30} password: {password}  ({state})")

    def _admin_from_environment(self):
        import os

        email, password = os.environ.get("ADMIN_EMAIL", ""), os.environ.get("ADMIN_PASSWORD", "")
        if not email or not password:
            raise CommandError("--env prod needs ADMIN_EMAIL and ADMIN_PASSWORD in the environment.")
        if len(password) < 12:
            raise CommandError("ADMIN_PASSWORD must be at least 12 characters.")
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, display_name="Admin")
            self._mark_verified(user)
            self.stdout.write(f"Admin {email} created.")
        else:
            self.stdout.write(f"Admin {email} already exists; password left unchanged.")
        user_set_role(user=user, role=ADMIN)

    @staticmethod
    def _mark_verified(user):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
