"""The TypedDicts of progressdb.models against the running server's /openapi.json.

Keys, required keys and value types must match the protocol schemas, so the Python types
cannot drift from the server: a field added on the server fails here until models.py has it.
"""

import re
import typing
import uuid
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import httpx
import pytest

from progressdb import models
from progressdb.errors import ErrorCode
from server_process import KEYS, ServerProcess

NONE_TYPE = type(None)


@pytest.fixture(scope="module")
def openapi(server: ServerProcess) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/openapi.json")
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def response_schema(openapi: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    responses = openapi["paths"][path][method]["responses"]
    ok = next(v for k, v in responses.items() if k.startswith("2"))
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    return schema


def is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "__required_keys__")


def check(tp: Any, schema: dict[str, Any], where: str) -> None:
    """Asserts that the Python type `tp` describes exactly the JSON schema `schema`."""
    if not {"type", "anyOf", "const"} & set(schema):  # Type.Unknown(): any JSON value
        assert tp is Any, f"{where}: expected Any, got {tp}"
        return
    if "anyOf" in schema:
        options = schema["anyOf"]
        if all("const" in o for o in options):
            assert get_origin(tp) is Literal, f"{where}: expected a Literal, got {tp}"
            assert set(get_args(tp)) == {o["const"] for o in options}, where
            return
        assert get_origin(tp) is Union, f"{where}: expected a Union, got {tp}"
        args = list(get_args(tp))
        assert len(args) == len(options), f"{where}: {tp} vs {len(options)} schema options"
        for option in options:
            match = next((a for a in args if _matches(a, option)), None)
            assert match is not None, f"{where}: no member of {tp} for {option}"
            check(match, option, where)
            args.remove(match)
        return
    if "const" in schema:
        assert get_origin(tp) is Literal, where
        assert get_args(tp) == (schema["const"],), where
        return
    kind = schema.get("type")
    if kind == "null":
        assert tp is NONE_TYPE, where
    elif kind in ("string", "integer", "boolean", "number"):
        expected = {"string": str, "integer": int, "boolean": bool, "number": float}[kind]
        assert tp is expected, f"{where}: expected {expected.__name__}, got {tp}"
    elif kind == "array":
        assert get_origin(tp) is list, f"{where}: expected list, got {tp}"
        check(get_args(tp)[0], schema["items"], f"{where}[]")
    elif kind == "object" and "properties" in schema:
        assert is_typeddict(tp), f"{where}: expected a TypedDict, got {tp}"
        check_typeddict(tp, schema, where)
    elif kind == "object":
        assert get_origin(tp) is dict, f"{where}: expected dict, got {tp}"
        key_type, value_type = get_args(tp)
        assert key_type is str, where
        (value_schema,) = schema.get("patternProperties", {"": {}}).values()
        check(value_type, value_schema, f"{where}{{}}")
    else:
        raise AssertionError(f"{where}: unhandled schema {schema}")


def _matches(tp: Any, schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null":
        return bool(tp is NONE_TYPE)
    if kind == "object":
        return is_typeddict(tp) or get_origin(tp) is dict
    simple = {"string": str, "integer": int, "boolean": bool, "array": list}
    return tp is simple.get(kind) or get_origin(tp) is simple.get(kind)  # type: ignore[arg-type]


def check_typeddict(td: Any, schema: dict[str, Any], where: str) -> None:
    properties = schema["properties"]
    keys = set(td.__required_keys__) | set(td.__optional_keys__)
    assert keys == set(properties), (
        f"{td.__name__} ({where}): missing {sorted(set(properties) - keys)}, "
        f"extra {sorted(keys - set(properties))}"
    )
    assert set(td.__required_keys__) == set(schema.get("required", [])), (
        f"{td.__name__} ({where}): required keys differ"
    )
    hints = get_type_hints(td)
    for name, prop in properties.items():
        check(hints[name], prop, f"{td.__name__}.{name}")


def test_thread_message_and_summaries(openapi: dict[str, Any]) -> None:
    thread = response_schema(openapi, "/frontend/v1/threads/{threadId}")
    check_typeddict(models.Thread, thread["properties"]["thread"], "GET thread")
    message = response_schema(openapi, "/frontend/v1/threads/{threadId}/messages/{messageId}")
    check_typeddict(models.Message, message["properties"]["message"], "GET message")


def test_pages(openapi: dict[str, Any]) -> None:
    check_typeddict(
        models.ThreadPage, response_schema(openapi, "/frontend/v1/threads"), "GET threads"
    )
    messages = response_schema(openapi, "/frontend/v1/threads/{threadId}/messages")
    check_typeddict(models.MessagePage, messages, "GET messages")
    check_typeddict(models.Pagination, messages["properties"]["pagination"], "pagination")


def test_versions_and_participants(openapi: dict[str, Any]) -> None:
    versions = response_schema(
        openapi, "/frontend/v1/threads/{threadId}/messages/{messageId}/versions"
    )
    check_typeddict(models.MessageVersion, versions["properties"]["versions"]["items"], "versions")
    participants = response_schema(openapi, "/frontend/v1/threads/{threadId}/participants")
    check_typeddict(
        models.Participant, participants["properties"]["participants"]["items"], "participants"
    )


def test_every_event_type(openapi: dict[str, Any]) -> None:
    page = response_schema(openapi, "/frontend/v1/threads/{threadId}/events")
    check_typeddict(models.EventPage, page, "GET events")
    variants = page["properties"]["events"]["items"]["anyOf"]
    by_type = {get_type_hints(c)["type"].__args__[0]: c for c in get_args(models.ChatEvent)}
    assert set(by_type) == {v["properties"]["type"]["const"] for v in variants}
    for variant in variants:
        name = variant["properties"]["type"]["const"]
        check_typeddict(by_type[name], variant, name)


def test_new_message_matches_the_create_request(openapi: dict[str, Any]) -> None:
    operation = openapi["paths"]["/frontend/v1/threads/{threadId}/messages"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    check_typeddict(models.NewMessage, body, "POST message body")


def test_error_codes_match_the_registry(openapi: dict[str, Any]) -> None:
    listed = openapi["info"]["description"].split("Error codes:", 1)[1]
    server_codes = set(re.findall(r"[A-Z][A-Z_]+", listed))
    assert set(typing.get_args(ErrorCode)) == server_codes


def test_admin_shapes_match_live_responses(server: ServerProcess) -> None:
    headers = {"Authorization": f"Bearer {KEYS['admin']}"}
    health = httpx.get(f"{server.url}/admin/health", headers=headers).json()
    assert set(health) == set(models.Health.__required_keys__)
    stats = httpx.get(f"{server.url}/admin/stats", headers=headers).json()
    assert set(stats) == set(models.Stats.__required_keys__)


def conforms(value: Any, tp: Any, where: str) -> None:
    """Asserts that a live JSON value fits the Python type (the server keeps its schema)."""
    origin = get_origin(tp)
    if tp is Any:
        return
    if tp is NONE_TYPE:
        assert value is None, where
    elif origin is Union:
        errors = []
        for option in get_args(tp):
            try:
                conforms(value, option, where)
                return
            except AssertionError as error:
                errors.append(str(error))
        raise AssertionError(f"{where}: {value!r} fits no member of {tp}: {errors}")
    elif origin is Literal:
        assert value in get_args(tp), f"{where}: {value!r} not in {get_args(tp)}"
    elif tp is bool:
        assert isinstance(value, bool), f"{where}: {value!r} is not a bool"
    elif tp is int:
        assert type(value) is int, f"{where}: {value!r} is not an integer"
    elif tp is str:
        assert isinstance(value, str), f"{where}: {value!r} is not a string"
    elif tp is float:
        assert isinstance(value, (int, float)), f"{where}: {value!r} is not a number"
    elif origin is list:
        assert isinstance(value, list), f"{where}: not a list"
        for i, item in enumerate(value):
            conforms(item, get_args(tp)[0], f"{where}[{i}]")
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: not an object"
        for key, item in value.items():
            conforms(item, get_args(tp)[1], f"{where}.{key}")
    elif is_typeddict(tp):
        assert isinstance(value, dict), f"{where}: not an object"
        keys = set(value)
        assert set(tp.__required_keys__) <= keys, f"{where}: missing {tp.__required_keys__ - keys}"
        allowed = set(tp.__required_keys__) | set(tp.__optional_keys__)
        assert keys <= allowed, f"{where}: unexpected {keys - allowed}"
        hints = get_type_hints(tp)
        for key, item in value.items():
            conforms(item, hints[key], f"{where}.{key}")
    else:
        raise AssertionError(f"{where}: unhandled type {tp}")


def test_live_responses_fit_the_models(db: Any, make_client: Any) -> None:
    """Every kind of response, as the server really sends it, fits its TypedDict."""
    owner, bob, thread_id = "fit-owner", "fit-bob", f"fit-{uuid.uuid4().hex}"
    first = db.create_thread_message(thread_id, {"body": {"a": [1]}}, user_id=owner)
    conforms(first, models.Message, "create_thread_message")
    reply = db.create_thread_message(
        thread_id, {"body": "r", "reply_to": first["id"], "metadata": {"k": 1}}, user_id=owner
    )
    conforms(reply, models.Message, "reply")
    conforms(db.update_thread(thread_id, title="T", user_id=owner), models.Thread, "update")
    conforms(
        db.update_thread_message(thread_id, first["id"], body=2, user_id=owner),
        models.Message,
        "edit",
    )
    conforms(db.add_reaction(thread_id, first["id"], "👍", user_id=owner), models.Message, "react")
    db.remove_reaction(thread_id, first["id"], "👍", user_id=owner)
    participants = db.add_participant(thread_id, bob, user_id=owner)
    conforms(participants, list[models.Participant], "add_participant")
    conforms(db.mark_read(thread_id, reply["id"], user_id=bob), models.Thread, "mark_read")
    db.remove_participant(thread_id, bob, user_id=owner)
    deleted = db.delete_thread_message(thread_id, reply["id"], user_id=owner)
    conforms(deleted, models.Message, "delete_thread_message")
    db.delete_thread_message(thread_id, first["id"], hard=True, user_id=owner)
    conforms(db.delete_thread(thread_id, user_id=owner), models.Thread, "delete_thread")
    conforms(db.restore_thread(thread_id, user_id=owner), models.Thread, "restore_thread")

    conforms(db.get_thread(thread_id, user_id=owner), models.Thread, "get_thread")
    conforms(db.list_threads(user_id=owner), models.ThreadPage, "list_threads")
    page = db.list_thread_messages(thread_id, include_deleted=True, user_id=owner)
    conforms(page, models.MessagePage, "list_thread_messages")
    versions = db.list_message_versions(thread_id, reply["id"], include_deleted=True, user_id=owner)
    conforms(versions, list[models.MessageVersion], "versions")

    events = db.list_events(thread_id, user_id=owner)
    conforms(events, models.EventPage, "list_events")
    by_type = {get_type_hints(c)["type"].__args__[0]: c for c in get_args(models.ChatEvent)}
    for event in events["events"]:
        conforms(event, by_type[event["type"]], event["type"])
    assert {e["type"] for e in events["events"]} >= {
        "thread.created",
        "thread.updated",
        "thread.deleted",
        "message.created",
        "message.updated",
        "message.deleted",
        "reaction.added",
        "reaction.removed",
        "participant.added",
        "participant.removed",
        "read.updated",
    }

    admin = make_client(api_key=KEYS["admin"])
    conforms(admin.admin_health(), models.Health, "admin_health")
    conforms(admin.admin_stats(), models.Stats, "admin_stats")
