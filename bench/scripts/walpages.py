#!/usr/bin/env python3
# walpages.py DB [LAST_N_COMMITS]: frames per commit in DB-wal (current salt only), and per b-tree (dbstat of a copy)
# Run it on a copy-safe moment (e.g. after the load stops); it copies DB and DB-wal to a temp dir before reading dbstat.
# Page 1 shows as sqlite_schema (its root page); it is written whenever a commit grows the file.
import struct, sys, sqlite3, shutil, collections, os, tempfile
db = sys.argv[1]; last = int(sys.argv[2]) if len(sys.argv) > 2 else 40
wal = open(db + "-wal", "rb").read()
magic, ver, psize, ckpt, salt1, salt2, c1, c2 = struct.unpack(">8I", wal[:32])
frames = []; off = 32; commit = []
commits = []
while off + 24 + psize <= len(wal):
    pg, size, s1, s2 = struct.unpack(">4I", wal[off:off+16])
    if (s1, s2) != (salt1, salt2): break
    commit.append(pg)
    if size: commits.append(commit); commit = []
    off += 24 + psize
tmp = tempfile.mkdtemp(); copy = os.path.join(tmp, "c.db")
shutil.copy(db, copy); shutil.copy(db + "-wal", copy + "-wal")
con = sqlite3.connect(copy)
names = {}
try:
    for name, pageno in con.execute("SELECT name, pageno FROM dbstat"): names[pageno] = name
except Exception as e:
    print("no dbstat:", e)
sel = commits[-last:]
per = collections.Counter()
for c in sel:
    for pg in c: per[names.get(pg, "page1" if pg == 1 else "?")] += 1
n = len(sel)
print(f"page size {psize}; commits in WAL {len(commits)}; last {n}: {sum(len(c) for c in sel)/n:.2f} frames per commit")
for k, v in per.most_common(): print(f"  {k:34s} {v/n:.2f}")
