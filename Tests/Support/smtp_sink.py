#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd, Debian's python3-aiosmtpd): every
message it receives is written to DIR as N.eml (the bytes as received) and N.json (the envelope:
mail from, recipients).

Usage: smtp_sink.py DIR        prints "listening PORT" once it accepts connections.
"""
import asyncio
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml", "wb") as handle:
            handle.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as handle:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, handle)
        return "250 OK"


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening {port}", flush=True)
    try:
        sys.stdin.read()  # run until the test closes our stdin
    finally:
        controller.stop()


main()
