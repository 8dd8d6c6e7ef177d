#!/usr/bin/env python3
"""Write a synthetic reports CSV for the reader and Spark tests: radiology-style sentences
combined deterministically (no corpus text), with one malformed row when --malformed is given.

  make_reports.py OUT.csv N [--malformed]
"""
import csv, sys

SENTENCES = [
    "A 6 mm calcified granuloma in the right upper lobe is unchanged.",
    "No renal calculi or nephrocalcinosis.",
    "Dense coronary artery calcification.",
    "The lungs are clear. No pleural effusion.",
    "Mitral annular calcification.",
    "Possible punctate calcification in the left breast.",
    "Calcified right hilar lymph nodes, consistent with prior granulomatous disease.",
    "Heart size is normal.",
    "Non-calcified 4 mm nodule in the lingula.",
    "Atherosclerotic calcification of the abdominal aorta.",
    "Chondrocalcinosis of the knee menisci.",
    "Calcium 11.8 mg/dL. History of end-stage renal disease on hemodialysis.",
    "Chronic kidney disease stage 4. Serum calcium 2.61 mmol/L, phosphate 2.1 mmol/L, PTH 450 pg/mL.",
    "Follow-up renal ultrasound in 6 months. Recommend serum calcium and PTH.",
]
out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["report_id", "text"])
    for i in range(n):
        a, b, c = (SENTENCES[(i * k + j) % len(SENTENCES)] for k, j in ((1, 0), (5, 1), (3, 2)))
        w.writerow([f"r{i:06d}", f"FINDINGS: {a} {b}\nIMPRESSION: {c}"])
if "--malformed" in sys.argv:
    with open(out, "a") as f:
        f.write("bad1,too,many,fields\n")
