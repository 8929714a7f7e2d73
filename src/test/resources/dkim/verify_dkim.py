"""Verifies every DKIM-Signature of each message file with dkimpy (Debian python3-dkim), a DKIM
implementation independent of MailRoute. Public keys come from --txt NAME=RECORD pairs, else from the
DNS server --dns IP:PORT. Prints one JSON line per file: one entry per signature, top first, with its
d=, s=, a=, whether it verified, and dkimpy's log of why not."""
import argparse
import io
import json
import logging
import sys

import dkim
from dkim.util import parse_tag_value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dns')
    ap.add_argument('--txt', action='append', default=[])
    ap.add_argument('files', nargs='+')
    args = ap.parse_args()
    records = {}
    for t in args.txt:
        name, _, record = t.partition('=')
        records[name.lower().rstrip('.')] = record.encode('ascii')
    resolver = None
    if args.dns:
        import dns.resolver
        host, port = args.dns.rsplit(':', 1)
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host]
        resolver.port = int(port)

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode('ascii')
        key = name.lower().rstrip('.')
        if key in records:
            return records[key]
        if resolver is not None:
            import dns.resolver
            try:
                answer = resolver.resolve(key + '.', 'TXT', lifetime=timeout)
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                return None
            for r in answer:
                return b''.join(r.strings)
        return None

    for f in args.files:
        with open(f, 'rb') as fh:
            message = fh.read()
        headers, _ = dkim.rfc822_parse(message)
        signatures = [v for (n, v) in headers if n.lower() == b'dkim-signature']
        results = []
        for i, value in enumerate(signatures):
            log = io.StringIO()
            logger = logging.getLogger('dkim-%d' % i)
            logger.handlers = [logging.StreamHandler(log)]
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
            try:
                ok = dkim.DKIM(message, logger=logger).verify(idx=i, dnsfunc=dnsfunc)
            except Exception as e:  # a malformed signature is a failed one
                ok = False
                log.write('%s: %s\n' % (type(e).__name__, e))
            tags = parse_tag_value(value)
            results.append({
                'd': tags.get(b'd', b'').decode('ascii', 'replace'),
                's': tags.get(b's', b'').decode('ascii', 'replace'),
                'a': tags.get(b'a', b'').decode('ascii', 'replace'),
                'h': tags.get(b'h', b'').decode('ascii', 'replace').translate({ord(c): None for c in ' \t\r\n'}),
                'pass': bool(ok),
                'log': log.getvalue()[-2000:],
            })
        print(json.dumps(results))
    return 0


if __name__ == '__main__':
    sys.exit(main())
