#!/usr/bin/env python3
"""Sends numbered test messages with Python's smtplib, as an application would.

Each message has Subject PREFIX-N and ends with the line "end of PREFIX-N". One line per message on
stdout: "N CODE REPLY" with the server's reply to the data (e.g. "7 250 2.0.0 Ok: queued as 1A2B"), or
"N ERR text" when the session failed. Connections run in parallel; each sends its share in one session.
"""
import argparse
import smtplib
import ssl
import sys
import threading
from email.message import EmailMessage

p = argparse.ArgumentParser()
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, required=True)
p.add_argument("--sender", required=True)
p.add_argument("--domain", required=True, help="recipients are PREFIX-N@DOMAIN")
p.add_argument("--prefix", required=True)
p.add_argument("--count", type=int, default=1)
p.add_argument("--connections", type=int, default=1)
p.add_argument("--starttls", action="store_true")
p.add_argument("--user")
p.add_argument("--password")
args = p.parse_args()
out = threading.Lock()


def say(line):
    with out:
        print(line, flush=True)


def message(n):
    m = EmailMessage()
    token = f"{args.prefix}-{n}"
    m["From"] = f"Interop <{args.sender}>"
    m["To"] = f"<{token}@{args.domain}>"
    m["Subject"] = token
    m["Message-ID"] = f"<{token}@smtplib.test>"
    m.set_content(f"token {token}\nend of {token}\n")
    return token, m.as_bytes()


def session(numbers):
    answered = set()
    try:
        with smtplib.SMTP(args.host, args.port, local_hostname="smtplib.test", timeout=60) as s:
            s.ehlo()
            if args.starttls:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                s.starttls(context=ctx)
                s.ehlo()
            if args.user:
                s.login(args.user, args.password)
            for n in numbers:
                token, data = message(n)
                code, reply = s.mail(args.sender)
                if code != 250:
                    say(f"{n} {code} {reply.decode()}")
                    answered.add(n)
                    s.rset()
                    continue
                code, reply = s.rcpt(f"{token}@{args.domain}")
                if code != 250:
                    say(f"{n} {code} {reply.decode()}")
                    answered.add(n)
                    s.rset()
                    continue
                code, reply = s.data(data)
                say(f"{n} {code} {reply.decode()}")
                answered.add(n)
    except Exception as e:  # the relay went away, refused the login, ...
        for n in numbers:
            if n not in answered:
                say(f"{n} ERR {type(e).__name__}: {e}")


shares = [list(range(i, args.count, args.connections)) for i in range(args.connections)]
threads = [threading.Thread(target=session, args=(share,)) for share in shares if share]
for t in threads:
    t.start()
for t in threads:
    t.join()
sys.exit(0)
