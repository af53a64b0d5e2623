"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API, scripted per test.

Each request takes the next scripted Reply (then the `otherwise` reply, if set, or what the
`otherwise` function makes of the request); every request is recorded with its headers and JSON
body, and whether it has been answered, so tests can check what was sent and what is in flight."""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    content: object = None  # the assistant message: str as is, anything else JSON-encoded
    status: int = 200
    delay: float = 0.0  # seconds before answering (longer than the client's timeout: a timeout)
    hold: threading.Event | None = None  # answer only once the test sets it (at most HOLD_SECONDS)
    body: str | None = None  # a raw body instead of a chat completion
    usage: tuple[int, int] = (1500, 3000)  # prompt and completion tokens
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


def error(status: int, message: str, **kwargs) -> Reply:
    return Reply(status=status, body=json.dumps({"error": {"message": message, "code": status}}), **kwargs)


HOLD_SECONDS = 30


@dataclass
class Recorded:
    path: str
    headers: dict  # lowercased names
    body: dict
    answered: threading.Event = field(default_factory=threading.Event)  # set once the reply went out (or failed to)

    @property
    def prompt(self) -> str:
        return "\n".join(message["content"] for message in self.body["messages"])


class FakeLLM:
    def __init__(self):
        self.replies: list[Reply] = []
        self.otherwise: Reply | Callable[[Recorded], Reply] | None = None
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                recorded = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                try:
                    self._answer(fake._next(recorded), body)
                finally:
                    recorded.answered.set()

            def _answer(self, reply: Reply, body: dict):
                if reply.hold:
                    reply.hold.wait(HOLD_SECONDS)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.body is not None:
                    payload = reply.body
                else:
                    payload = json.dumps(_completion(body.get("model", ""), reply))
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload.encode())))
                    self.end_headers()
                    self.wfile.write(payload.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout scenario)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *replies: Reply) -> "FakeLLM":
        self.replies.extend(replies)
        return self

    @property
    def in_flight(self) -> list[Recorded]:
        with self._lock:
            return [recorded for recorded in self.requests if not recorded.answered.is_set()]

    def _next(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            if self.replies:
                return self.replies.pop(0)
            if callable(self.otherwise):
                return self.otherwise(recorded)
        return self.otherwise or error(500, "Nothing scripted for this request.")

    def start(self) -> "FakeLLM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _completion(model: str, reply: Reply) -> dict:
    content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
    prompt_tokens, completion_tokens = reply.usage
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def configure_generation(settings, server: "FakeLLM") -> None:
    """Point the site's generation settings at `server`, with test prices and fast retries."""
    settings.AI_BASE_URL = server.base_url
    settings.AI_API_KEY = "test-key"
    settings.AI_MODEL = "test/model"
    settings.AI_PRICES = {"test/model": {"prompt": 1.0, "completion": 2.0}, "default": {"prompt": 5.0, "completion": 5.0}}
    settings.AI_TIMEOUT_SECONDS = 0.5
    settings.AI_MAX_RETRIES = 2
    settings.AI_RETRY_BASE_SECONDS = 0.01
    settings.AI_REQUESTS_PER_MINUTE = 1000
    settings.AI_FAILURE_BUDGET = 3
    settings.AI_BATCH_SIZE = 10
    settings.AI_MONTHLY_BUDGET_USD = 50.0
