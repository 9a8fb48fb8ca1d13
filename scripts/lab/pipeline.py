#!/usr/bin/env python3
"""Send several HTTP/1.1 requests on one connection in a single write (pipelining), the
way curl cannot, and read all answers.  The last request says "Connection: close", so
reading until EOF collects every answer.

usage: pipeline.py IP PORT HOST "METHOD PATH X-REQUEST-ID" ...
(prints one line per answer, like the curl lines in traffic.log)
"""
import re
import socket
import sys

ip, port, host, *requests = sys.argv[1:]
payload = b""
for i, req in enumerate(requests):
    method, path, request_id = req.split(" ")
    close = "Connection: close\r\n" if i == len(requests) - 1 else ""
    payload += (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: lab-pipeline/1\r\n"
                f"Accept: */*\r\nX-Request-Id: {request_id}\r\n{close}\r\n").encode()

with socket.create_connection((ip, int(port)), timeout=30) as s:
    s.sendall(payload)
    answer = b""
    while chunk := s.recv(65536):
        answer += chunk

# Status lines start the answer or follow the previous body (bodies here end in "\n").
statuses = re.findall(rb"(?:^|\n)(HTTP/1\.1 \d{3} [^\r\n]*)", answer)
for req, line in zip(requests, statuses):
    method, path, _ = req.split(" ")
    # Same shape as the curl lines in traffic.log: status, method, URL, how it was sent.
    print(f"{line.split()[1].decode()} {method} http://{host}{path} pipelined-to={ip}:{port}")
if len(statuses) != len(requests):
    sys.exit(f"pipeline.py: {len(requests)} requests but {len(statuses)} answers")
