#!/usr/bin/env python3
"""Score calcmine on ct-dev.jsonl and multi-dev.jsonl with the protocols of
../shared/corpora/README.md ("the one used to judge the project").

Usage: scripts/score_corpora.py --calcmine BIN --shared DIR [--no-floors] [--misses DIR]

Only `id` and `text` are handed to calcmine (a temporary JSON-lines file per corpus); the
`modality`, `source`, `labels` and `gold` fields are used for grouping and scoring only.

multi-dev.jsonl, per modality group (GROUPS below):
  words read     of the calcification words in the text (WORD_RE, PHRASE_RE, EXCLUDE rules),
                 the share whose byte span overlaps a mention's span (any mention, any status);
  organ coded    of the present mentions, the share whose organ is not `unspecified`;
  CDD-CESM       (source == "CDD-CESM" lines) report-level F1 of "has a present mention"
                 against labels.calc_tag.
ct-dev.jsonl (gold.uncertain reports left out; a prediction counts present mentions outside
the indication section):
  vascular set   F1 of "present mention with location_class vascular or organ
                 coronary_artery" against gold.vascular_calcification, and of "present coronary
                 mention (organ coronary_artery or an entity containing 'coronary')" against
                 gold.coronary_calcification;
  all-findings   report F1 against gold.calcification_present; coronary F1 (gold: a present
                 calcification finding whose name or location says coronary); organ recall: for
                 each present calcification finding whose organ is clear from its name and
                 location (FINDING_ORGAN_RULES), a present mention in that report with that organ.

Every figure is printed; below a floor (FLOORS) a FAIL line is printed and the exit status is 1,
unless --no-floors. --misses DIR writes one TSV per measure with the items that failed.
Stdlib only.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import OrderedDict, defaultdict

# ---------------------------------------------------------------------------------------------
# Floors (README issue): fail below these.
FLOORS = {
    # multi-dev
    "multi_words_read_per_group": 0.97,  # in every group with at least MIN_WORDS_FOR_FLOOR words
    "multi_organ_coded_all": 0.90,  # present mentions with an organ, over all groups
    "multi_organ_coded_mammography": 0.95,  # ... in the mammography group
    "multi_cddcesm_calc_tag_f1": 0.95,  # CDD-CESM report-level F1 against calc_tag
    # ct-dev
    "ct_vascular_set_vascular_f1": 0.99,
    "ct_vascular_set_coronary_f1": 0.98,
    "ct_all_findings_report_f1": 0.99,
    "ct_all_findings_organ_recall": 0.95,
}
MIN_WORDS_FOR_FLOOR = 20

# Source `modality` -> scoring group. neck -> head (head and neck imaging); nuclear medicine
# (bone scan, I-131 survey, hepatobiliary scan) fits no group -> "other" (printed, counted in
# "over all groups", no per-group floor).
GROUPS = OrderedDict(
    [
        ("breast_mammography", "mammography"),
        ("breast_cesm", "mammography"),
        ("breast_us_mri", "mammography"),
        ("head_ct_mri", "head"),
        ("head_neck", "head"),
        ("neck_us_xr_ct", "head"),
        ("abdomen_pelvis_ct_us", "abdomen"),
        ("obstetric_us", "abdomen"),
        ("msk_extremity", "msk"),
        ("spine", "msk"),
        ("echocardiography", "cardiac"),
        ("cardiac_ct", "cardiac"),
        ("vascular_us", "vascular"),
        ("angiography", "vascular"),
        ("chest", "chest"),
        ("nuclear_medicine", "other"),
    ]
)
GROUP_ORDER = ["mammography", "head", "abdomen", "msk", "cardiac", "vascular", "chest", "other"]

# ---------------------------------------------------------------------------------------------
# Calcification words (multi-dev "words read"). A word is a maximal run of letters; it counts when
# it contains one of the stems (so "microcalcifications", "macrocalcification", "fibrocalcific"
# count). "calcium score" is one two-word item.
WORD_RE = re.compile(r"[^\W\d_]+")
STEMS = ("calcif", "calcinosis", "ossific", "phlebolith", "microlith", "psammom", "agatston")
PHRASE_RE = re.compile(r"\bcalcium[\s-]+scor(?:e|es|ing)\b", re.IGNORECASE)
# negated forms: noncalcified, non-calcified, non calcified, uncalcified, un-calcified
NEG_PREFIX_RE = re.compile(r"(?:\bnon|\bun)[\s-]?$", re.IGNORECASE)
OSS_CENTRE_RE = re.compile(r"^[\s-]+cent(?:re|er)s?\b", re.IGNORECASE)


def calc_words(text):
    """[(char_start, char_end, word)] of the calcification words and phrases in text."""
    out = []
    for m in WORD_RE.finditer(text):
        w = m.group().lower()
        stem = next((s for s in STEMS if s in w), None)
        if stem is None:
            continue
        if stem == "calcif":
            if w.startswith("noncalcif") or w.startswith("uncalcif"):
                continue
            if w.startswith("calcif") and NEG_PREFIX_RE.search(text[max(0, m.start() - 4) : m.start()]):
                continue
        if stem == "ossific":
            if w.startswith("nonossif"):
                continue
            if OSS_CENTRE_RE.match(text[m.end() : m.end() + 12]):
                continue
        out.append((m.start(), m.end(), m.group()))
    for m in PHRASE_RE.finditer(text):
        out.append((m.start(), m.end(), m.group()))
    out.sort()
    return out


class ByteMap:
    """char offset <-> UTF-8 byte offset for one text."""

    def __init__(self, text):
        self.text = text
        self.data = text.encode("utf-8")
        self.ascii = len(self.data) == len(text)
        if not self.ascii:
            self.c2b = [0] * (len(text) + 1)
            b = 0
            for i, ch in enumerate(text):
                self.c2b[i] = b
                b += len(ch.encode("utf-8"))
            self.c2b[len(text)] = b

    def b(self, char_off):
        return char_off if self.ascii else self.c2b[char_off]

    def slice(self, bstart, bend):
        return self.data[bstart:bend].decode("utf-8", "replace")

    def context(self, bstart, bend, width=80):
        s = self.slice(max(0, bstart - 400), bstart)[-width:]
        e = self.slice(bend, bend + 400)[:width]
        return s + "[[" + self.slice(bstart, bend) + "]]" + e


# ---------------------------------------------------------------------------------------------
# ct-dev all-findings: organ of a gold calcification finding, from its location, else its name.
# Within one of them the first rule that matches wins ("aortic valve" -> heart, "retrotracheal
# lymph node" -> lymph_node). Findings no rule matches (bare
# "calcification", "nodule | fissure", "mediastinal mass", "abdominal vasculature") have no clear
# organ and are not scored for organ recall.
CORONARY_RE = re.compile(
    r"coronar|oronary|anterior descending|circumflex|\blad\b|\blcx\b|\brca\b", re.IGNORECASE
)
FINDING_ORGAN_RULES = [
    ("coronary_artery", CORONARY_RE),
    ("heart", re.compile(r"valv|annul|papillary", re.I)),
    ("lymph_node", re.compile(r"lymph|\bnodes?\b|nodal", re.I)),
    ("pleura", re.compile(r"pleura", re.I)),
    ("aorta", re.compile(r"aort", re.I)),
    ("lung", re.compile(r"granulom|\blobes?\b|\blung|pulmonary", re.I)),
    ("breast", re.compile(r"breast", re.I)),
    ("thyroid", re.compile(r"thyroid", re.I)),
    ("adrenal", re.compile(r"adrenal", re.I)),
    ("tendon", re.compile(r"tendon", re.I)),
]
# words in the report text that point at each organ (only to pick the context for --misses)
ORGAN_TEXT_RE = {
    "coronary_artery": re.compile(r"coronar|\bLAD\b|descending|circumflex", re.I),
    "heart": re.compile(r"valv|annul|papillary", re.I),
    "lymph_node": re.compile(r"lymph|node", re.I),
    "pleura": re.compile(r"pleura", re.I),
    "aorta": re.compile(r"aort", re.I),
    "lung": re.compile(r"granulom|lobe|lung|pulmonary", re.I),
    "breast": re.compile(r"breast", re.I),
    "thyroid": re.compile(r"thyroid", re.I),
    "adrenal": re.compile(r"adrenal", re.I),
    "tendon": re.compile(r"tendon", re.I),
}

VESSEL_RE = re.compile(r"aort|arter|vascular|vessel|coronar|atherom|plaque", re.I)


def finding_organ(f):
    """The location decides when it names an organ ("valve calcification" at "thoracic aorta" is
    aortic, as the report says; a "calcified granuloma" at a "retrotracheal lymph node" is nodal);
    else the name ("calcified granuloma" -> lung, "aortic valve calcifications" -> heart)."""
    for part in (f.get("location") or "", f.get("name") or ""):
        for organ, rx in FINDING_ORGAN_RULES:
            if rx.search(part):
                return organ
    return None


def finding_is_coronary(f):
    return bool(CORONARY_RE.search((f.get("name") or "") + " | " + (f.get("location") or "")))


# ---------------------------------------------------------------------------------------------
def read_jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run_calcmine(binary, rows, work, name):
    """Run `calcmine mine` on {id, text} only; return {report_id: [mention dict]}."""
    src = os.path.join(work, name + ".jsonl")
    with open(src, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
    out = os.path.join(work, name + "-out")
    cmd = [binary, "mine", src, "--format", "csv", "--out", out, "-q"]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        sys.exit("score_corpora: cannot run %s: %s" % (binary, e))
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        sys.exit("score_corpora: %s exited %d" % (" ".join(cmd), p.returncode))
    with open(os.path.join(out, "reports.csv"), newline="", encoding="utf-8") as fh:
        reports = list(csv.DictReader(fh))
    ids = {r["id"] for r in rows}
    seen = {r["report_id"] for r in reports}
    if len(reports) != len(rows) or seen != ids:
        sys.exit("score_corpora: %s: %d reports in, %d rows out" % (name, len(rows), len(reports)))
    errs = [r for r in reports if r.get("error")]
    if errs:
        sys.exit("score_corpora: %s: %d reports failed, e.g. %s: %s"
                 % (name, len(errs), errs[0]["report_id"], errs[0]["error"]))
    mentions = defaultdict(list)
    with open(os.path.join(out, "mentions.csv"), newline="", encoding="utf-8") as fh:
        for m in csv.DictReader(fh):
            m["start"] = int(m["start"])
            m["end"] = int(m["end"])
            mentions[m["report_id"]].append(m)
    # the byte offsets must address the text as we hold it
    bad = 0
    text_of = {r["id"]: r["text"] for r in rows}
    for rid, ms in mentions.items():
        data = text_of[rid].encode("utf-8")
        for m in ms:
            if data[m["start"] : m["end"]].decode("utf-8", "replace") != m["text"]:
                bad += 1
    if bad:
        print("WARNING: %s: %d mention spans do not match their text" % (name, bad))
    return mentions


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def ratio(n, d):
    return n / d if d else float("nan")


def fmt_share(n, d):
    return "%d/%d = %s" % (n, d, ("%.3f" % (n / d)) if d else "n/a")


def short_mention(m):
    bits = [m["status"], "sec=" + m["section"], "class=" + m["location_class"], "organ=" + m["organ"]]
    if m.get("site") not in (None, "", "unspecified"):
        bits.append("site=" + m["site"])
    if m.get("entity") not in (None, "", "none"):
        bits.append("entity=" + m["entity"])
    return "'%s'[%s]" % (m["text"], ",".join(bits))


def mentions_desc(ms, limit=8):
    if not ms:
        return "no mention"
    s = "; ".join(short_mention(m) for m in ms[:limit])
    if len(ms) > limit:
        s += "; … (%d more)" % (len(ms) - limit)
    return s


class Misses:
    """Per-measure TSV rows for --misses."""

    def __init__(self):
        self.tables = OrderedDict()

    def add(self, measure, header, row):
        t = self.tables.setdefault(measure, [header])
        t.append(row)

    def write(self, d):
        os.makedirs(d, exist_ok=True)
        for measure, rows in self.tables.items():
            with open(os.path.join(d, measure + ".tsv"), "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write("\t".join(clean(x) for x in row) + "\n")
        return list(self.tables)


def clean(x):
    return re.sub(r"[\t\r\n]+", " ⏎ ", str(x))


class Floors:
    def __init__(self):
        self.results = []  # (name, value, floor, ok)

    def check(self, name, value, floor):
        ok = value == value and value >= floor  # NaN fails
        self.results.append((name, value, floor, ok))
        return ok


# ---------------------------------------------------------------------------------------------
def score_multi(rows, mentions, floors, misses):
    print("=== multi-dev.jsonl (%d reports)" % len(rows))
    print("group mapping (source modality -> group):")
    present_modalities = {r["modality"] for r in rows}
    for mod, grp in GROUPS.items():
        if mod in present_modalities:
            print("  %-22s -> %s" % (mod, grp))
    unknown = sorted(present_modalities - set(GROUPS))
    for mod in unknown:
        print("  %-22s -> other (unmapped)" % mod)

    words = defaultdict(lambda: [0, 0])  # group -> [read, total]
    organ = defaultdict(lambda: [0, 0])  # group -> [with organ, present]
    nreports = defaultdict(int)
    cdd = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    unread_words = defaultdict(int)
    for r in rows:
        grp = GROUPS.get(r["modality"], "other")
        nreports[grp] += 1
        rid, text = r["id"], r["text"]
        ms = mentions.get(rid, [])
        bm = ByteMap(text)
        for cs, ce, w in calc_words(text):
            bs, be = bm.b(cs), bm.b(ce)
            words[grp][1] += 1
            if any(m["start"] < be and bs < m["end"] for m in ms):
                words[grp][0] += 1
            else:
                unread_words[w.lower()] += 1
                near = [m for m in ms if m["end"] > bs - 300 and m["start"] < be + 300]
                misses.add(
                    "multi_words_unread",
                    ["group", "report_id", "modality", "word", "context", "calcmine_nearby"],
                    [grp, rid, r["modality"], w, bm.context(bs, be),
                     mentions_desc(near) if near else "no mention within 300 bytes (%d in report)" % len(ms)],
                )
        for m in ms:
            if m["status"] != "present":
                continue
            organ[grp][1] += 1
            if m["organ"] != "unspecified":
                organ[grp][0] += 1
            else:
                misses.add(
                    "multi_organ_unspecified",
                    ["group", "report_id", "modality", "mention", "location_class", "site", "entity",
                     "context"],
                    [grp, rid, r["modality"], m["text"], m["location_class"], m["site"], m["entity"],
                     bm.context(m["start"], m["end"])],
                )
        if r["source"] == "CDD-CESM":
            gold = bool(r["labels"].get("calc_tag"))
            pred = any(m["status"] == "present" for m in ms)
            key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[(gold, pred)]
            cdd[key] += 1
            if key in ("fp", "fn"):
                misses.add(
                    "multi_cddcesm_calc_tag",
                    ["kind", "report_id", "modality", "calc_tag", "annotation_findings", "tags", "text",
                     "calcmine"],
                    [key.upper(), rid, r["modality"], gold,
                     "; ".join(r["labels"].get("annotation_findings") or []),
                     "; ".join(r["labels"].get("tags") or []), text[:400],
                     mentions_desc(ms) + ("" if not ms else " | triggers: " + "; ".join(
                         m.get("triggers", "") for m in ms if m.get("triggers")))],
                )

    print()
    print("%-12s %8s  %-22s  %-22s" % ("group", "reports", "words read", "present w/ organ"))
    tot_w = [0, 0]
    tot_o = [0, 0]
    for grp in GROUP_ORDER:
        if not nreports.get(grp):
            continue
        w, o = words[grp], organ[grp]
        tot_w[0] += w[0]
        tot_w[1] += w[1]
        tot_o[0] += o[0]
        tot_o[1] += o[1]
        note = "" if grp != "other" else "   (not a scored group)"
        print("%-12s %8d  %-22s  %-22s%s" % (grp, nreports[grp], fmt_share(*w), fmt_share(*o), note))
    print("%-12s %8d  %-22s  %-22s" % ("all groups", len(rows), fmt_share(*tot_w), fmt_share(*tot_o)))

    p, rc, f = prf(cdd["tp"], cdd["fp"], cdd["fn"])
    print()
    print("mammography, CDD-CESM lines (%d): 'has a present mention' vs labels.calc_tag"
          % sum(cdd.values()))
    print("  TP %d  FP %d  FN %d  TN %d   precision %.3f  recall %.3f  F1 %.3f"
          % (cdd["tp"], cdd["fp"], cdd["fn"], cdd["tn"], p, rc, f))
    if unread_words:
        print("  unread words, all groups: " + ", ".join(
            "%s %d" % kv for kv in sorted(unread_words.items(), key=lambda kv: -kv[1])))

    for grp in GROUP_ORDER:
        if grp == "other" or words[grp][1] < MIN_WORDS_FOR_FLOOR:
            continue
        floors.check("multi-dev words read [%s]" % grp, ratio(*words[grp]), FLOORS["multi_words_read_per_group"])
    floors.check("multi-dev present mentions with an organ [all groups]", ratio(*tot_o),
                 FLOORS["multi_organ_coded_all"])
    floors.check("multi-dev present mentions with an organ [mammography]", ratio(*organ["mammography"]),
                 FLOORS["multi_organ_coded_mammography"])
    floors.check("multi-dev CDD-CESM calc_tag F1", f, FLOORS["multi_cddcesm_calc_tag_f1"])


def nearest_words(text, anchor, k):
    """The k calcification words nearest to a match of anchor (all words when anchor is None),
    in text order: where to look when a report-level answer is missed."""
    words = calc_words(text)
    if anchor is not None:
        spots = [m.start() for m in anchor.finditer(text)]
        if spots:
            words = sorted(words, key=lambda w: min(abs(w[0] - a) for a in spots))
    return sorted(words[:k])


def report_f1(name, items, misses, measure, header_gold, anchor=None):
    """items: [(rid, gold, pred, bm, ms_pred, ms_all, extra)] -> (p, r, f)."""
    c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for rid, gold, pred, bm, ms_pred, ms_all, extra in items:
        key = {(True, True): "tp", (False, True): "fp", (True, False): "fn", (False, False): "tn"}[(gold, pred)]
        c[key] += 1
        if key == "fn":
            ctx = " || ".join(bm.context(bm.b(s), bm.b(e)) for s, e, _ in nearest_words(bm.text, anchor, 4))
            misses.add(measure, ["kind", "report_id", header_gold, "extra", "context", "calcmine"],
                       ["FN", rid, gold, extra, ctx or "(no calcification word in text)", mentions_desc(ms_all)])
        elif key == "fp":
            ctx = " || ".join(bm.context(m["start"], m["end"]) for m in ms_pred[:6])
            misses.add(measure, ["kind", "report_id", header_gold, "extra", "context", "calcmine"],
                       ["FP", rid, gold, extra, ctx, mentions_desc(ms_pred)])
    p, r, f = prf(c["tp"], c["fp"], c["fn"])
    print("  %-44s TP %3d  FP %2d  FN %2d  TN %3d   P %.3f  R %.3f  F1 %.3f"
          % (name, c["tp"], c["fp"], c["fn"], c["tn"], p, r, f))
    return p, r, f


def is_coronary(m):
    return m["organ"] == "coronary_artery" or "coronary" in (m["entity"] or "")


def score_ct(rows, mentions, floors, misses):
    print("=== ct-dev.jsonl (%d reports)" % len(rows))
    scored = [r for r in rows if not r["gold"].get("uncertain")]
    vas = [r for r in scored if r["gold"].get("scope") == "vascular"]
    alls = [r for r in scored if r["gold"].get("scope") == "all"]
    print("left out (gold.uncertain): %d; vascular set %d, all-findings set %d"
          % (len(rows) - len(scored), len(vas), len(alls)))
    print("prediction: mentions with status present, section != indication")

    def present(rid):
        return [m for m in mentions.get(rid, []) if m["status"] == "present" and m["section"] != "indication"]

    print()
    print("vascular set (CT-RATE):")
    it_v, it_c = [], []
    for r in vas:
        rid, g, bm = r["id"], r["gold"], ByteMap(r["text"])
        pm = present(rid)
        mv = [m for m in pm if m["location_class"] == "vascular" or m["organ"] == "coronary_artery"]
        mc = [m for m in pm if is_coronary(m)]
        allm = mentions.get(rid, [])
        it_v.append((rid, bool(g["vascular_calcification"]), bool(mv), bm, mv, allm,
                     "coronary=%s" % g["coronary_calcification"]))
        it_c.append((rid, bool(g["coronary_calcification"]), bool(mc), bm, mc, allm,
                     "vascular=%s" % g["vascular_calcification"]))
    _, _, fv = report_f1("vascular_calcification", it_v, misses, "ct_vascular_set_vascular", "gold", VESSEL_RE)
    _, _, fc = report_f1("coronary_calcification", it_c, misses, "ct_vascular_set_coronary", "gold",
                         ORGAN_TEXT_RE["coronary_artery"])

    print()
    print("all-findings set (CDEStaging):")
    it_r, it_cor = [], []
    organ_hits = defaultdict(lambda: [0, 0])
    unclear = []
    for r in alls:
        rid, g, bm = r["id"], r["gold"], ByteMap(r["text"])
        pm = present(rid)
        allm = mentions.get(rid, [])
        calc_f = [f for f in g.get("findings", []) if f.get("calcification") and f.get("presence") == "present"]
        names = "; ".join("%s @ %s" % (f["name"], f.get("location")) for f in calc_f)
        it_r.append((rid, bool(g["calcification_present"]), bool(pm), bm, pm, allm, names))
        gold_c = any(finding_is_coronary(f) for f in calc_f)
        mc = [m for m in pm if is_coronary(m)]
        it_cor.append((rid, gold_c, bool(mc), bm, mc, allm, names))
        for f in calc_f:
            org = finding_organ(f)
            if org is None:
                unclear.append("%s: %s @ %s" % (rid, f["name"], f.get("location")))
                continue
            organ_hits[org][1] += 1
            hit = [m for m in pm if m["organ"] == org]
            if hit:
                organ_hits[org][0] += 1
                continue
            # context: the calcification word nearest to a word naming the organ
            words = calc_words(r["text"])
            anchors = [m.start() for m in ORGAN_TEXT_RE[org].finditer(r["text"])]
            ctx = "(no calcification word in text)"
            if words:
                if anchors:
                    s, e, _ = min(words, key=lambda w: min(abs(w[0] - a) for a in anchors))
                else:
                    s, e, _ = words[0]
                ctx = bm.context(bm.b(s), bm.b(e))
                over = [m for m in allm if m["start"] < bm.b(e) and bm.b(s) < m["end"]]
                produced = ("at that word: " + mentions_desc(over) if over else "nothing at that word") + \
                    " | present organs in report: " + (", ".join(sorted({m["organ"] for m in pm})) or "none")
            else:
                produced = mentions_desc(pm)
            misses.add("ct_all_organ_recall",
                       ["report_id", "finding", "location", "expected_organ", "context", "calcmine"],
                       [rid, f["name"], f.get("location"), org, ctx, produced])
    _, _, fr = report_f1("calcification_present", it_r, misses, "ct_all_report", "gold")
    report_f1("coronary (findings naming coronary)", it_cor, misses, "ct_all_coronary", "gold",
              ORGAN_TEXT_RE["coronary_artery"])
    n = sum(v[0] for v in organ_hits.values())
    d = sum(v[1] for v in organ_hits.values())
    print("  organ recall (present calcification findings with a clear organ): %s" % fmt_share(n, d))
    print("    " + ", ".join("%s %d/%d" % (o, v[0], v[1]) for o, v in sorted(organ_hits.items())))
    print("    not scored (organ not clear from name and location): %d" % len(unclear))
    for u in unclear:
        print("      " + u)

    floors.check("ct-dev vascular set: vascular F1", fv, FLOORS["ct_vascular_set_vascular_f1"])
    floors.check("ct-dev vascular set: coronary F1", fc, FLOORS["ct_vascular_set_coronary_f1"])
    floors.check("ct-dev all-findings: report F1", fr, FLOORS["ct_all_findings_report_f1"])
    floors.check("ct-dev all-findings: organ recall", ratio(n, d), FLOORS["ct_all_findings_organ_recall"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calcmine", required=True, help="the calcmine binary")
    ap.add_argument("--shared", required=True, help="the shared folder (holds corpora/)")
    ap.add_argument("--no-floors", action="store_true", help="print the figures only, exit 0")
    ap.add_argument("--misses", metavar="DIR", help="write the failed items per measure as TSV here")
    args = ap.parse_args()

    corpora = os.path.join(args.shared, "corpora")
    multi = read_jsonl(os.path.join(corpora, "multi-dev.jsonl"))
    ct = read_jsonl(os.path.join(corpora, "ct-dev.jsonl"))
    floors = Floors()
    misses = Misses()
    with tempfile.TemporaryDirectory(prefix="score_corpora-") as work:
        m_multi = run_calcmine(args.calcmine, multi, work, "multi-dev")
        m_ct = run_calcmine(args.calcmine, ct, work, "ct-dev")
    score_multi(multi, m_multi, floors, misses)
    print()
    score_ct(ct, m_ct, floors, misses)

    print()
    print("=== floors%s" % (" (not enforced: --no-floors)" if args.no_floors else ""))
    failed = 0
    for name, value, floor, ok in floors.results:
        print("%s %-58s %.3f (floor %.2f)" % ("ok  " if ok else "FAIL", name, value, floor))
        failed += not ok
    if args.misses:
        written = misses.write(args.misses)
        print()
        print("misses written to %s: %s" % (args.misses, ", ".join(
            "%s.tsv (%d)" % (t, len(misses.tables[t]) - 1) for t in written) or "none"))
    if failed and not args.no_floors:
        print("FAIL: %d figure(s) below their floor" % failed)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
