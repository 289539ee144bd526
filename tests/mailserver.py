"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for the tests."""

from __future__ import annotations

import email
import socket
import threading
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.refuse = False  # when True, the server answers 451 (a temporary failure)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Try again later"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def subject(message: Message) -> str:
        """The subject as a person reads it (Japanese subjects travel encoded, RFC 2047)."""
        return str(make_header(decode_header(message["Subject"] or "")))

    @staticmethod
    def text(message: Message) -> str:
        part = message.get_payload(decode=True)
        assert isinstance(part, bytes)
        return part.decode(message.get_content_charset() or "utf-8")


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
