"""The scale-out topology of deploy/docker-compose.scale.yml, started on 127.0.0.1.

    PostgreSQL (initdb/pg_ctl in a temporary folder)      the state the replicas share
    2 index shards: the indexer's databases (masters/shard-N), each served read-only by
      xapian-tcpsrv and copied by xapian-replicate from xapian-replicate-server into a
      read replica served by its own xapian-tcpsrv
    3 bot replicas: newsbot serve --webhook-url … --replica (NEWSBOT_BACKEND=xapian, every
      shard's two servers in NEWSBOT_SHARDS, NEWSBOT_DATABASE the PostgreSQL above)
    nginx in front of the replicas (a generated config: the webhook's POST retried on
      the next replica when one fails, non-idempotent included)
    tests/fakebotapi.py as Telegram's Bot API

Every program comes from Debian's packages (xapian-tools, postgresql, nginx: .ci/run
installs them) and listens on 127.0.0.1 only; each runs in a session of its own (a
signal to xapian-tcpsrv's group would otherwise reach this process), and `stop` ends
the processes this module started, by their ids. Used by benchmarks/scale_out.py and
tests/test_scale_out.py.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakebotapi import TOKEN, FakeBotAPI  # noqa: E402

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "hook"


def tool(name: str) -> str | None:
    """A program on PATH, or PostgreSQL's in Debian's versioned folder."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


MISSING = [name for name in ("xapian-tcpsrv", "xapian-replicate", "xapian-replicate-server",
                             "initdb", "pg_ctl", "nginx") if tool(name) is None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Topology:
    """Everything of the scale-out deployment, on loopback, in `root`."""

    root: Path
    knowledge: Path
    replicas: int = 3
    shards: int = 2
    lease: float = 3.0  # NEWSBOT_REPLICA_LEASE: a killed replica's updates free after this
    api: FakeBotAPI = field(default_factory=FakeBotAPI)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    pg_url: str = ""
    pg_dir: Path = Path()

    # -- life cycle -----------------------------------------------------------------

    def start(self) -> Topology:
        self.root.mkdir(parents=True, exist_ok=True)
        self.api.start()
        self._postgres()
        self.index()
        self._shards()
        for number in range(self.replicas):
            self._replica(number)
        self._proxy()
        for number in range(self.replicas):
            self.wait_replica(number)
        return self

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)
        if self.pg_url:
            subprocess.run(_as_postgres([str(tool("pg_ctl")), "-D", str(self.pg_dir / "data"),
                                         "-m", "immediate", "stop"]),
                           capture_output=True, timeout=60)
            shutil.rmtree(self.pg_dir, ignore_errors=True)
        self.api.stop()

    def __enter__(self) -> Topology:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def kill(self, name: str, how: int = signal.SIGKILL) -> None:
        """Stop one of this topology's processes (by its id) and wait for it."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(how)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

    def _run(self, name: str, command: list[str], env: dict[str, str] | None = None,
             cwd: Path | None = None) -> subprocess.Popen[bytes]:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 (the child holds it)
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   cwd=cwd or self.root, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def rss_mb(self, name: str) -> float:
        """The resident memory of one of this topology's processes, in MB."""
        status = Path(f"/proc/{self.processes[name].pid}/status").read_text()
        return next(int(line.split()[1]) / 1024 for line in status.splitlines()
                    if line.startswith("VmRSS:"))

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- the parts ------------------------------------------------------------------

    def _postgres(self) -> None:
        folder = self.pg_dir = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
        password = secrets.token_hex(8)
        (folder / "pw").write_text(password)
        if os.geteuid() == 0:  # initdb runs as postgres, in a folder of its own
            shutil.chown(folder, "postgres")
            shutil.chown(folder / "pw", "postgres")
        port = free_port()
        subprocess.run(_as_postgres([str(tool("initdb")), "-D", str(folder / "data"), "-U",
                                     "newsbot", "--auth=scram-sha-256", f"--pwfile={folder / 'pw'}",
                                     "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
                   "-c max_connections=200")
        subprocess.run(_as_postgres([str(tool("pg_ctl")), "-D", str(folder / "data"), "-o",
                                     options, "-l", str(folder / "log"), "-w", "-t", "60",
                                     "start"]),
                       check=True, capture_output=True, timeout=120)
        self.pg_url = f"postgresql://newsbot:{password}@127.0.0.1:{port}/postgres"

    def masters(self) -> list[Path]:
        return [self.root / "masters" / f"shard-{n}" for n in range(self.shards)]

    def indexer_env(self) -> dict[str, str]:
        """The indexer's environment: it writes the masters' files directly."""
        return {**os.environ, "NEWSBOT_BACKEND": "xapian",
                "NEWSBOT_SHARDS": ",".join(str(m) for m in self.masters()),
                "XAPIAN_MAX_CHANGESETS": "100",  # so that replicas copy changes, not all
                "NEWSBOT_KNOWLEDGE": str(self.knowledge)}

    def index(self) -> subprocess.CompletedProcess[str]:
        """`newsbot index --backend xapian`: the knowledge into the shards (the indexer)."""
        (self.root / "masters").mkdir(exist_ok=True)
        return subprocess.run([sys.executable, "-m", "bot", "index", "--backend", "xapian"],
                              env=self.indexer_env(), check=True, capture_output=True,
                              text=True, timeout=600)

    def add(self, file: Path) -> subprocess.CompletedProcess[str]:
        """`newsbot add FILE` in the indexer role: into the knowledge and the shards."""
        return subprocess.run([sys.executable, "-m", "bot", "add", str(file), "--knowledge",
                               str(self.knowledge)], env=self.indexer_env(), check=True,
                              capture_output=True, text=True, timeout=600)

    def _shards(self) -> None:
        self.ports["replicate"] = free_port()
        self._run("replicate-server", [str(tool("xapian-replicate-server")), "-I", "127.0.0.1",
                                       "-p", str(self.ports["replicate"]),
                                       str(self.root / "masters")])
        for n, master in enumerate(self.masters()):
            self._tcpsrv(f"shard-{n}", master)
        _wait_port(self.ports["replicate"])
        for n in range(self.shards):
            copy = self.root / "copies" / f"shard-{n}"
            copy.parent.mkdir(exist_ok=True)
            self._run(f"replicate-{n}", [str(tool("xapian-replicate")), "-h", "127.0.0.1", "-p",
                                         str(self.ports["replicate"]), "-m", f"shard-{n}",
                                         "-i", "1", "-r", "1", "-q", str(copy)])
            _wait_for(lambda c=copy: (c / "XAPIANDB").exists(), 60, f"the copy of shard {n}")
            self._tcpsrv(f"copy-{n}", copy)

    def _tcpsrv(self, name: str, folder: Path) -> None:
        port = self.ports[name] = free_port()
        self._run(name, [str(tool("xapian-tcpsrv")), "--quiet", "--interface", "127.0.0.1",
                         "--port", str(port), str(folder)])
        _wait_port(port)

    def shards_setting(self) -> str:
        """NEWSBOT_SHARDS of the readers: each shard's master and copy."""
        return ",".join(f"tcp://127.0.0.1:{self.ports[f'shard-{n}']}|"
                        f"tcp://127.0.0.1:{self.ports[f'copy-{n}']}" for n in range(self.shards))

    def _replica(self, number: int) -> None:
        name = f"replica-{number}"
        port = self.ports[name] = self.ports.get(name) or free_port()  # the proxy's entry
        home = self.root / name
        home.mkdir(exist_ok=True)
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_API_BASE_URL": self.api.base_url,
               "NEWSBOT_WEBHOOK_SECRET": self.secret, "NEWSBOT_DATABASE": self.pg_url,
               "NEWSBOT_BACKEND": "xapian", "NEWSBOT_SHARDS": self.shards_setting(),
               "NEWSBOT_REPLICA_LEASE": str(self.lease), "NEWSBOT_SEMANTIC": "off"}
        for key in ("NEWSBOT_KNOWLEDGE", "NEWSBOT_STATE_FILE", "NEWSBOT_ROLE"):
            env.pop(key, None)
        self.ports.setdefault("proxy", free_port())
        self._run(name, [sys.executable, "-m", "bot", "serve", "--webhook-url",
                         f"http://127.0.0.1:{self.ports['proxy']}/{PATH}", "--replica",
                         "--listen", "127.0.0.1", "--port", str(port)], env=env, cwd=home)

    def restart_replica(self, number: int) -> None:
        """Start a stopped bot replica again on its port (the proxy takes it back)."""
        if f"replica-{number}" not in self.processes:
            self._replica(number)
            self.wait_replica(number)

    def wait_replica(self, number: int, timeout: float = 120) -> None:
        name = f"replica-{number}"

        def up() -> bool:
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                raise RuntimeError(f"{name} stopped:\n{self.log(name)[-3000:]}")
            return "running as @" in self.log(name)

        _wait_for(up, timeout, name)

    def _proxy(self) -> None:
        folder = self.root / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"    server 127.0.0.1:{self.ports[f'replica-{n}']} max_fails=1 "
                            "fail_timeout=2s;" for n in range(self.replicas))
        config = NGINX.format(
            user="user root;" if os.geteuid() == 0 else "", dir=folder, servers=servers,
            port=self.ports["proxy"], path=PATH)
        (folder / "nginx.conf").write_text(config)
        self._run("nginx", [str(tool("nginx")), "-p", str(folder), "-c",
                            str(folder / "nginx.conf"), "-e", str(folder / "error.log")])
        _wait_port(self.ports["proxy"])

    # -- Telegram's side ------------------------------------------------------------

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['proxy']}/{PATH}"

    def replica_url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'replica-{number}']}/{PATH}"

    def live_replicas(self) -> list[int]:
        return [n for n in range(self.replicas) if f"replica-{n}" in self.processes]

    def headers(self) -> dict[str, str]:
        return {SECRET_HEADER: self.secret, "Content-Type": "application/json"}

    def question(self, update_id: int, chat_id: int, text: str) -> dict[str, Any]:
        """A private-chat update asking `text` (each chat its own user)."""
        user = {"id": chat_id, "is_bot": False, "first_name": f"U{chat_id}",
                "language_code": "de"}
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        return {"update_id": update_id, "message": self.api.message(text, chat, user)}

    def answers(self, chat_id: int) -> list[str]:
        """The texts the bot sent to a chat (sendMessage calls Telegram carried out)."""
        return [str(c.params.get("text", "")) for c in self.api.delivered("sendMessage")
                if int(c.params.get("chat_id", 0)) == chat_id]

    def deliver(self, client: httpx.Client, url: str, update: dict[str, Any]) -> int:
        """One webhook POST; its status (0: no answer)."""
        try:
            return client.post(url, content=json.dumps(update), headers=self.headers(),
                               timeout=60).status_code
        except httpx.HTTPError:
            return 0


NGINX = """{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  upstream replicas {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 1m;
    location /{path} {{
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502 http_503 http_504 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


def _wait_port(port: int, timeout: float = 30) -> None:
    def accepting() -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    _wait_for(accepting, timeout, f"port {port}")


def _wait_for(ready: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready within {timeout:.0f} s")
        time.sleep(0.1)
