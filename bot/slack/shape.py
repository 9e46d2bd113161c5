"""Does a signed Slack payload have the shape Slack gives it? Checked before any listener reads it.

A correct signature says who sent the bytes, not that they are well formed: a payload without `user`, a view
without `type`, an `event` that is a string would each reach a listener and fail there. Every field a listener
or Bolt's own routing reads is checked for its type here, once, so the listeners can read plainly and a bad
payload is refused with a 400 and one log line (over HTTP and Socket Mode alike)."""

from __future__ import annotations

from typing import Any

_INTERACTIVE = {"block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion"}
_EVENT_TEXT_FIELDS = ("type", "user", "text", "channel", "ts", "thread_ts", "subtype", "channel_type", "bot_id")
_COMMAND_FIELDS = ("command", "user_id", "text", "trigger_id", "response_url", "channel_id", "team_id")


def _optional(container: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> bool:
    return key not in container or container[key] is None or isinstance(container[key], kind)


def _string_fields(container: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if not _optional(container, key, str):
            return f"{key} is not text"
    return None


def problem(body: object) -> str | None:
    """Why this is not a payload of Slack's shape (for the log), or None."""
    if not isinstance(body, dict):
        return "not an object"
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return "type is not text"
    if "command" in body:
        if not isinstance(body.get("command"), str) or not body["command"].startswith("/"):
            return "command is not a slash command"
        if not isinstance(body.get("user_id"), str) or not body["user_id"]:
            return "command without user_id"
        return _string_fields(body, _COMMAND_FIELDS)
    # Whatever the type says, every part Bolt's routing or a listener reads must have its own shape.
    for key in ("container", "channel", "team", "message", "enterprise"):
        if not _optional(body, key, (dict, str)):
            return f"{key} is neither an object nor an id"
    if bad := _string_fields(body, ("trigger_id", "response_url", "event_id", "api_app_id", "team_id", "token")):
        return bad
    if "event" in body or kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event is not an object with a type"
        if bad := _string_fields(event, _EVENT_TEXT_FIELDS):
            return "event " + bad
        if not _optional(event, "files", list):
            return "event files is not a list"
    if "user" in body and not isinstance(body["user"], (dict, str)):
        return "user is neither an object nor an id"
    if kind in _INTERACTIVE:
        user = body.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
            return f"{kind} without a user id"
    elif isinstance(body.get("user"), dict) and not _optional(body["user"], "id", str):
        return "user id is not text"
    if "view" in body or (kind or "").startswith("view_"):
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("type"), str):
            return "view is not an object with a type"
        if bad := _string_fields(view, ("callback_id", "private_metadata", "id", "external_id")):
            return "view " + bad
        if not _optional(view, "state", dict):
            return "view state is not an object"
    if "actions" in body or kind == "block_actions":
        actions = body.get("actions")
        if not actions:
            return "no actions"
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            return "actions is not a list of objects"
        for action in actions:
            if not isinstance(action.get("action_id"), str):
                return "an action without an action_id"
            if bad := _string_fields(action, ("value", "block_id", "type", "action_ts")):
                return "action " + bad
    if kind == "url_verification" and not isinstance(body.get("challenge"), str):
        return "url_verification without a challenge"
    return None
