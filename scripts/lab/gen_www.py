#!/usr/bin/env python3
"""Write the documents the lab backends serve into DIR (argv[1]).

Seeded, so every run (and v1 and v2) serves the same bytes:
  words.txt        ~24 KB of pseudo-random words: compresses, but not to nothing, so the
                   gzip answer still spans several TCP segments
  static/app.js    a small script for ETag / If-None-Match (304) and Range (206)
  static/blob.bin  24 KiB of incompressible bytes: a multi-segment plain body
"""
import os
import random
import sys

root = sys.argv[1]
rng = random.Random(20240501)
os.makedirs(os.path.join(root, "static"), exist_ok=True)

vocab = ("shadow mirror primary request response header body chunk gzip envoy sidecar "
         "packet segment window ack retransmit latency verdict differ match pod node "
         "bridge veth namespace capture replay host port stream flow keepalive").split()
lines = []
size = 0
while size < 24 * 1024:
    line = " ".join(rng.choice(vocab) for _ in range(rng.randint(6, 14))) + "\n"
    lines.append(line)
    size += len(line)
with open(os.path.join(root, "words.txt"), "w") as f:
    f.writelines(lines)

with open(os.path.join(root, "static", "app.js"), "w") as f:
    for i in range(60):
        f.write(f"export function handler{i}(req) {{ return req.headers['x-request-id'] + '{i}'; }}\n")

with open(os.path.join(root, "static", "blob.bin"), "wb") as f:
    f.write(rng.randbytes(24 * 1024))
