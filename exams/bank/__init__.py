"""The question bank as a whole: the bank check (exams/bank/check.py) and moving questions in and
out of it (importing.py, one module per file format: moodle.py, gift.py, jsonformat.py).

Every reader turns its source into the same `records.QuestionRecord`, so the rules are written
once: the bank check reads the database or the seed files into records, the importers read
Moodle XML, GIFT or our JSON into records, and the exporters write records back out.
"""
