#!/usr/bin/env bash
# OMOP CDM in a real PostgreSQL (issue 18): the Open-i development reports as NOTE rows, calcmine
# on the NOTE table as the database exports it, and its NOTE_NLP rows loaded back with \copy into
# the table OHDSI's DDL creates (with its primary keys). Checks, in SQL:
#  - NOTE_NLP has one row per mention (the count run.json gives), no key violation (the \copy
#    would fail), every note_id a NOTE row;
#  - per note, the rows with term_exists = 'Y' are the report table's n_present;
#  - lengths within the DDL's limits (the \copy would fail past varchar(250) / varchar(2000));
# and that the NOTE_NLP file is byte-identical at -j1 and -j2 (ids stable across threads).
# PostgreSQL comes from Debian's packages (apt-get, as root); where it cannot be installed the
# check is skipped with a message saying so. Env: CALCMINE (the binary), SHARED (shared folder).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
CALCMINE="${CALCMINE:?set CALCMINE to the calcmine binary}"
SHARED="${SHARED:?set SHARED to the shared folder}"
DDL="$SHARED/omop/note_nlp_postgresql.sql"
CSV="$SHARED/corpora/openi-dev.csv"
[ -f "$DDL" ] || { echo "70-omop: $DDL not found"; exit 1; }

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pgbin)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing PostgreSQL from Debian's packages"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
      || echo "70-omop: apt-get install postgresql failed"
  fi
fi
PGBIN="$(pgbin)"
if [ -z "$PGBIN" ]; then
  echo "SKIP 70-omop: PostgreSQL is not installed and could not be (needs root and apt-get with access to Debian's packages)"
  exit 0
fi
echo "PostgreSQL: $("$PGBIN/postgres" --version)"

work="$(mktemp -d)"
chmod 755 "$work"
# the server runs as an unprivileged user: postgres when run as root
if [ "$(id -u)" = 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
  chown postgres "$work"
else
  as_pg() { "$@"; }
fi
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$work/data" -A trust -U postgres >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-k $work -c listen_addresses='' -c fsync=off" start >/dev/null
psql() { "$PGBIN/psql" -X -q -h "$work" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

out="$work/out"
mkdir -p "$out"
chmod 777 "$out"

echo "--- NOTE and NOTE_NLP from OHDSI's DDL (schema cdm)"
psql -c "CREATE SCHEMA cdm"
sed 's/@cdmDatabaseSchema/cdm/g' "$DDL" | psql

echo "--- openi-dev.csv as NOTE rows"
python3 "$here/scripts/python/openi_note.py" "$CSV" "$out/note.csv"
psql -c "\\copy cdm.note FROM '$out/note.csv' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL (note_text))"
psql -c "\\copy (SELECT * FROM cdm.note ORDER BY note_id) TO '$out/note_export.csv' WITH (FORMAT csv, HEADER)"

echo "--- calcmine on the NOTE table (note_id, note_text by default)"
"$CALCMINE" mine "$out/note_export.csv" --out "$out/mined" --format csv --note-nlp -q \
  --nlp-datetime "2026-01-01 00:00:00"
"$CALCMINE" mine "$out/note_export.csv" --out "$out/mined-j1" --format csv --note-nlp -q -j1 \
  --nlp-datetime "2026-01-01 00:00:00"
cmp "$out/mined/note_nlp.csv" "$out/mined-j1/note_nlp.csv" \
  || { echo "FAIL: NOTE_NLP differs between -j1 and -j2"; exit 1; }
echo "note_nlp.csv identical at -j1 and -j2"
mentions=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['counts']['mentions_written'])" "$out/mined/run.json")
python3 - "$out/mined/reports.csv" "$out/reports_counts.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as o:
    w = csv.writer(o)
    w.writerow(["note_id", "n_mentions", "n_present"])
    for r in csv.DictReader(f):
        w.writerow([r["report_id"], r["n_mentions"], r["n_present"]])
PY

echo "--- \\copy NOTE_NLP in"
psql -c "\\copy cdm.note_nlp FROM '$out/mined/note_nlp.csv' WITH (FORMAT csv, HEADER)"
psql -c "CREATE TABLE calcmine_reports (note_id integer PRIMARY KEY, n_mentions integer, n_present integer)"
psql -c "\\copy calcmine_reports FROM '$out/reports_counts.csv' WITH (FORMAT csv, HEADER)"

echo "--- checks"
psql -A -F ' | ' <<SQL
\\pset footer off
SELECT 'notes' AS what, count(*) AS n FROM cdm.note
UNION ALL SELECT 'note_nlp rows', count(*) FROM cdm.note_nlp
UNION ALL SELECT 'mentions (run.json)', $mentions
UNION ALL SELECT 'distinct note_nlp_id', count(DISTINCT note_nlp_id) FROM cdm.note_nlp
UNION ALL SELECT 'notes with a row', count(DISTINCT note_id) FROM cdm.note_nlp
UNION ALL SELECT 'term_exists = Y', count(*) FROM cdm.note_nlp WHERE term_exists = 'Y';
SQL
fail=$(psql -A -t <<SQL
SELECT
  (SELECT count(*) FROM cdm.note_nlp) <> $mentions
  OR (SELECT count(*) FROM cdm.note_nlp) <> (SELECT sum(n_mentions) FROM calcmine_reports)
  OR EXISTS (SELECT 1 FROM cdm.note_nlp n LEFT JOIN cdm.note t USING (note_id) WHERE t.note_id IS NULL)
  OR EXISTS (
    SELECT 1 FROM calcmine_reports r
    LEFT JOIN (SELECT note_id, count(*) FILTER (WHERE term_exists = 'Y') AS y, count(*) AS n
               FROM cdm.note_nlp GROUP BY note_id) n USING (note_id)
    WHERE coalesce(n.y, 0) <> r.n_present OR coalesce(n.n, 0) <> r.n_mentions)
  OR EXISTS (SELECT 1 FROM cdm.note_nlp WHERE octet_length(snippet) > 250
             OR octet_length(lexical_variant) > 250 OR octet_length(term_modifiers) > 2000
             OR term_exists NOT IN ('Y', 'N') OR term_temporal NOT IN ('past', 'present')
             OR nlp_date <> DATE '2026-01-01')
SQL
)
echo "term_exists per note against n_present:"
psql -A -F ' | ' <<SQL
\\pset footer off
SELECT count(*) AS notes_compared,
       count(*) FILTER (WHERE coalesce(n.y, 0) = r.n_present) AS agree
FROM calcmine_reports r
LEFT JOIN (SELECT note_id, count(*) FILTER (WHERE term_exists = 'Y') AS y
           FROM cdm.note_nlp GROUP BY note_id) n USING (note_id);
SQL
echo "sample (NOTE_NLP joined back to NOTE):"
psql -A -F ' | ' <<SQL
\\pset footer off
SELECT n.note_nlp_id, n.note_id, t.note_title, n."offset", n.lexical_variant, n.term_exists,
       n.term_temporal, left(n.snippet, 70) AS snippet, left(n.term_modifiers, 90) AS modifiers
FROM cdm.note_nlp n JOIN cdm.note t USING (note_id)
ORDER BY n.note_nlp_id LIMIT 6;
SELECT substr(t.note_text, n."offset"::int + 1, length(n.lexical_variant)) = n.lexical_variant
         AS offset_points_at_the_words, count(*)
FROM cdm.note_nlp n JOIN cdm.note t USING (note_id) GROUP BY 1;
SQL
if [ "$fail" != "f" ]; then
  echo "FAIL: a NOTE_NLP check failed (see above)"
  exit 1
fi
echo "70-omop: NOTE_NLP loaded into PostgreSQL with OHDSI's DDL; all checks passed"
