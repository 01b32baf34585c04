"""A minimal SMTP server for hashtrack's email tests: loopback only, an
ephemeral port, standard library only (smtpd is gone from Python 3.12).

It speaks EHLO/HELO, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP and
QUIT, never STARTTLS, and runs in a thread of the test process:

    server = SmtpServer(); server.start(); self.addCleanup(server.stop)
    server.fail = {"RCPT": "550 5.1.1 no such user"}   # answer a verb so
    ... server.messages -> [{"from", "rcpt", "data", "auth"}]
"""

import base64
import socket
import threading


class SmtpServer:
    def __init__(self, password=None):
        self.password = password    # when set, AUTH is offered and required
        self.fail = {}              # VERB -> reply line, e.g. "DATA": "451 try later"
        self.messages = []
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.stopping = False

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)

    def _serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(10)
            try:
                self._session(conn.makefile("rb"), conn)
            except (OSError, ValueError):
                pass
            finally:
                conn.close()

    def _session(self, rfile, conn):
        def say(line):
            conn.sendall((line + "\r\n").encode("utf-8"))

        def read():
            line = rfile.readline(4096)
            if not line:
                raise ValueError("closed")
            return line.decode("utf-8", "replace").rstrip("\r\n")

        msg = {"from": None, "rcpt": [], "data": None, "auth": None}
        authed = self.password is None
        say("220 localhost hashtrack-test ESMTP")
        while True:
            line = read()
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in self.fail:
                say(self.fail[verb])
                continue
            if verb == "EHLO":
                conn.sendall(b"250-localhost\r\n")
                if self.password is not None:
                    conn.sendall(b"250-AUTH PLAIN LOGIN\r\n")
                say("250 8BITMIME")
            elif verb == "HELO":
                say("250 localhost")
            elif verb == "AUTH":
                parts = arg.split()
                user = pw = None
                if parts[0].upper() == "PLAIN":
                    blob = parts[1] if len(parts) > 1 else (say("334 "), read())[1]
                    _, user, pw = base64.b64decode(blob).decode().split("\0")
                elif parts[0].upper() == "LOGIN":
                    say("334 VXNlcm5hbWU6")
                    user = base64.b64decode(read()).decode()
                    say("334 UGFzc3dvcmQ6")
                    pw = base64.b64decode(read()).decode()
                msg["auth"] = user
                if pw == self.password:
                    authed = True
                    say("235 2.7.0 authenticated")
                else:
                    say("535 5.7.8 authentication failed")
            elif verb == "MAIL":
                if not authed:
                    say("530 5.7.0 authentication required")
                    continue
                msg = {"from": arg.split(":", 1)[1].strip(), "rcpt": [], "data": None,
                       "auth": msg["auth"]}
                say("250 2.1.0 ok")
            elif verb == "RCPT":
                msg["rcpt"].append(arg.split(":", 1)[1].strip())
                say("250 2.1.5 ok")
            elif verb == "DATA":
                say("354 end with <CRLF>.<CRLF>")
                lines = []
                while True:
                    dl = rfile.readline(100000).decode("utf-8", "replace")
                    if dl in (".\r\n", ".\n", ""):
                        break
                    lines.append(dl[1:] if dl.startswith("..") else dl)
                msg["data"] = "".join(lines)
                with self.lock:
                    self.messages.append(dict(msg))
                say("250 2.0.0 queued")
            elif verb == "RSET":
                say("250 ok")
            elif verb == "NOOP":
                say("250 ok")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("502 5.5.2 not implemented")
