"""End to end: webhook mode with its secret, and `serve` as `newsbot serve` runs it.

The webhook test POSTs updates to the bot's own HTTP server; the serve tests run the
program in a subprocess against the fake Bot API and read its exit code and output.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakebotapi import TOKEN, FakeBotAPI

from bot.engine import Engine
from bot.telegram import webhook
from bot.telegram.app import EXIT_CONFIG, build_application, serve
from bot.telegram.config import Config, WebhookSettings

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Wie viele Soldaten?"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_webhook_accepts_only_the_secret(
    fake_api: FakeBotAPI, bundled_engine: Engine
) -> None:
    config = Config(
        api_base_url=fake_api.base_url, webhook=WebhookSettings(secret_token="s3cret-Token_1")
    )
    app = build_application(config, bundled_engine, TOKEN)
    port = free_port()
    await app.initialize()
    await app.start()
    server = await webhook.start(
        app, url="https://bot.example.org/telegram", listen="127.0.0.1", port=port,
        path="telegram", secret=config.webhook_secret(),
    )  # fmt: skip
    try:
        hook = fake_api.sent("setWebhook")[0].params
        assert hook["url"] == "https://bot.example.org/telegram"
        assert hook["secret_token"] == "s3cret-Token_1"
        chat = {"id": 5005, "type": "private", "first_name": "Eve"}
        url = f"http://127.0.0.1:{port}/telegram"
        async with httpx.AsyncClient() as client:
            for update_id, headers in enumerate(
                [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: "s3cret-Token_1"}], 1
            ):
                message = fake_api.message(QUESTION, chat, fake_api.user(5005))
                update: dict[str, Any] = {"update_id": update_id, "message": message}
                response = await client.post(url, json=update, headers=headers)
                assert response.status_code == (200 if update_id == 3 else 403)
        sent = await fake_api.wait_for("sendMessage", chat_id=5005)
        assert len(sent) == 1
        assert sent[0].params["reply_parameters"]["message_id"] == message["message_id"]
        assert "<b>1.500</b>" in sent[0].params["text"]
    finally:
        await server.stop()
        await app.stop()
        await app.shutdown()


def test_serve_without_token_says_what_to_do(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSBOT_TEST_TOKEN", raising=False)
    code = serve(Config(token_env="NEWSBOT_TEST_TOKEN"))
    assert code == EXIT_CONFIG
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "NEWSBOT_TEST_TOKEN" in err[0] and "@BotFather" in err[0]


def run_serve(api: FakeBotAPI, token: str, cwd: Path) -> subprocess.Popen[str]:
    """Start `serve` in a subprocess pointed at the fake server, as the CLI would."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "NEWSBOT_API_BASE_URL": api.base_url,
        "PYTHONPATH": str(ROOT),
    }
    code = "import sys; from bot.telegram import load_config, serve; sys.exit(serve(load_config()))"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_with_rejected_token(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    wrong = "987654321:AAWrongTokenThatTelegramRejects-xyz"
    process = run_serve(fake_api, wrong, tmp_path)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "rejected the bot token in TELEGRAM_BOT_TOKEN" in err
    assert wrong not in out + err
    assert err.strip().splitlines()[-1].startswith("newsbot: Telegram rejected")


async def test_serve_polls_answers_and_stops_cleanly(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    process = run_serve(fake_api, TOKEN, tmp_path)
    try:
        await fake_api.wait_for("setMyCommands", count=4, timeout=60)
        question = fake_api.private(QUESTION)
        sent = await fake_api.wait_for("sendMessage", chat_id=1001, timeout=10)
        assert sent[0].params["reply_parameters"]["message_id"] == question["message_id"]
    finally:
        fake_api.long_poll = False
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert TOKEN not in out + err
    assert "polling for updates" in err
    assert re.search(r"running as @newsbot_test_bot \(polling\): 1 article\(s\), \d+ passage\(s\)"
                     r"; index ", err), err  # fmt: skip
    assert "Traceback" not in err


async def test_newsbot_serve_logs_its_start_line(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_API_BASE_URL": fake_api.base_url,
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        await fake_api.wait_for("setMyCommands", count=4, timeout=60)
        await fake_api.reply_to(fake_api.private(QUESTION), timeout=10)
    finally:
        fake_api.long_poll = False
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "running as @newsbot_test_bot (polling): 1 article(s)" in err  # the CLI's own logging
    assert TOKEN not in err
