#!/usr/bin/env python3
"""Write Open-i reports as rows of an OMOP CDM v5.4 NOTE table (CSV with a header, every column
of the NOTE table in the CDM's order), for loading with psql's \\copy.

    python3 openi_note.py openi-dev.csv note.csv

note_id is the report's uid; note_title its `image` column; note_text its findings and
impression under section headers (FINDINGS:, IMPRESSION:), as a radiology report reads. The NOT
NULL columns the Open-i files do not have get placeholder values, the same for every row:
  person_id              = note_id (one person per report: the corpus has no patients)
  note_date              = 2000-01-01 (the corpus has no dates)
  note_type_concept_id   = 32817 (EHR)
  note_class_concept_id  = 0 (no concept: not mapped)
  encoding_concept_id    = 32678 (UTF-8)
  language_concept_id    = 4180186 (English)
"""
import csv
import sys

COLUMNS = [
    "note_id", "person_id", "note_date", "note_datetime", "note_type_concept_id",
    "note_class_concept_id", "note_title", "note_text", "encoding_concept_id",
    "language_concept_id", "provider_id", "visit_occurrence_id", "visit_detail_id",
    "note_source_value", "note_event_id", "note_event_field_concept_id",
]


def main(src, dst):
    csv.field_size_limit(1 << 30)
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as o:
        w = csv.writer(o)
        w.writerow(COLUMNS)
        n = 0
        for row in csv.DictReader(f):
            parts = []
            for title, col in (("FINDINGS", "findings"), ("IMPRESSION", "impression")):
                if row.get(col, "").strip():
                    parts.append(f"{title}: {row[col].strip()}")
            w.writerow([
                row["uid"], row["uid"], "2000-01-01", "", 32817, 0, row.get("image", "")[:250],
                "\n".join(parts), 32678, 4180186, "", "", "", "openi", "", "",
            ])
            n += 1
    print(f"{n} NOTE rows written to {dst}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
