"""A fake OpenAI-compatible server's replies, shaped exactly like the Chat Completions API's."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from bot.understanding.llm import Extraction

BASE_URL = "http://localhost:11434/v1"  # Ollama's OpenAI-compatible endpoint
COMPLETIONS = f"{BASE_URL}/chat/completions"
MODEL = "qwen2.5:14b-instruct"


# -- what a real server sends back -------------------------------------------------------------


def extraction(**fields: Any) -> str:
    """The JSON a strict structured-output reply carries: every key present, null where unstated."""
    body: dict[str, Any] = dict.fromkeys(Extraction.model_fields)
    body.update(fields)
    return json.dumps(body, ensure_ascii=False)


def chat_completion(
    content: str | None,
    *,
    refusal: str | None = None,
    prompt_tokens: int = 612,
    completion_tokens: int = 87,
    model: str = MODEL,
) -> dict[str, Any]:
    """A `chat.completion` object as the Chat Completions API returns it."""
    return {
        "id": "chatcmpl-CK3m9xQv7RZt2bW1fNq8sJd4LpYe",
        "object": "chat.completion",
        "created": 1795492800,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_7c2b1d5e3a",
    }


def ok(content: str | None, **kwargs: Any) -> httpx.Response:
    return httpx.Response(
        200, json=chat_completion(content, **kwargs), headers={"x-request-id": "req_5f0c2e9b8a7d4c3b"}
    )


def api_error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return httpx.Response(status, json=body, headers=headers or {})


def sent(route: respx.Route, n: int = 0) -> dict[str, Any]:
    return json.loads(route.calls[n].request.content)
