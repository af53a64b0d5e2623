"""The learner's pages, by feature: catalogue (dashboard, exams, starting), card (a question and
its answer), marks (flag, bookmark, report), sessions (list, submit, results, review). Every view
reaches a session through study.views.access."""
