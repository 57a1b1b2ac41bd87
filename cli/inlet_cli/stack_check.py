"""What `inlet check` does to a stack: one uplink end to end with a throwaway tenant, key and device, the deployment's
own state (the `live` alias, the layer both functions run), and the removal of everything it created.

Each step either passes, fails with what it saw and what to do, or does not apply (the local stack has no Lambda:
it runs the handler in-process, so there is no alias or layer to look at, and the check says so rather than pass).
The removal runs whatever happened before it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from inlet.adapters.devices import Device
from inlet.adapters.record_items import device_key
from inlet.core.keys import KeyConfig, key_hash

from inlet_cli.local import env as local_env
from inlet_cli.local.changes import announce_change
from inlet_cli.local.env import now_iso
from inlet_cli.targets import Target

ALIAS = "live"
VISIBLE_WITHIN = 20.0  # seconds: a new SSM parameter or item may take a moment to be read everywhere
HTTP_TIMEOUT = 20.0
PAYLOAD = "c0ffee"


class StepFailed(Exception):
    def __init__(self, saw: str, todo: str) -> None:
        super().__init__(saw)
        self.saw, self.todo = saw, todo


class NotApplicable(Exception):
    """The step has nothing to look at on this target (said as such, never counted as passed)."""


@dataclass
class Step:
    name: str
    outcome: str  # "passed", "failed" or "not applicable"
    seconds: float
    detail: str = ""
    todo: str = ""


class StackCheck:
    def __init__(self, target: Target, post: Callable | None = None, sleep: Callable = time.sleep) -> None:
        self.target, self._post, self._sleep = target, post or requests.post, sleep
        token = secrets.token_hex(4)
        self.tenant, self.serial = f"inlet-check-{token}", f"CHECK-{token.upper()}"
        self.body = {"serial": self.serial, "payload": PAYLOAD, "port": 1, "check": token}
        self._key = ""
        self._answer: dict = {}
        self._undo: list[tuple[str, Callable[[], None]]] = []

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("create a throwaway tenant and key", self.create_key),
            ("add a throwaway device", self.add_device),
            ("POST one uplink to the public endpoint", self.post_uplink),
            ("read the record back", self.read_back),
            ("send the same request again: answered as a replay", self.replay),
            (f"the {ALIAS!r} alias is on the latest published version", self.alias_is_latest),
            ("the delivery function runs the same layer", self.same_layer),
        ]

    def run(self, report: Callable[[Step], None]) -> list[Step]:
        done: list[Step] = []
        try:
            for name, action in self.steps():
                step = run_step(name, action)
                done.append(step)
                report(step)
                if step.outcome == "failed":
                    break
        finally:
            for name, undo in reversed(self._undo):
                step = run_step(f"remove the throwaway {name}", lambda undo=undo: _quietly(undo))
                done.append(step)
                report(step)
        return done

    # --- the uplink, end to end --------------------------------------------------------------------------------------
    def create_key(self) -> str:
        store = self.target.key_store()
        self._key = store.new_key()
        config = KeyConfig(self.tenant, key_hash(self._key), name="inlet check (throwaway)", created_at=now_iso())
        store.put(config)
        ssm, name = self.target.client("ssm"), store.name_for(config.key_hash)
        self._undo.append((f"key {config.id}", lambda: ssm.delete_parameter(Name=name)))
        return f"tenant {self.tenant}, key {config.id}"

    def add_device(self) -> str:
        devices = self.target.device_store()
        devices.add(Device(self.tenant, self.serial, name="inlet check (throwaway)", created_at=now_iso()))
        self._undo.append((f"device {self.serial}", lambda: devices.remove(self.tenant, self.serial)))
        self._undo.append((f"records of {self.serial}", self._remove_records))
        if self.target.local:
            announce_change(local_env.state_dir())
        return self.serial

    def post_uplink(self) -> str:
        url = self.target.require("uplink_url")
        deadline = time.monotonic() + VISIBLE_WITHIN
        for attempt in range(1, 1000):
            # Each attempt a new body: a refusal may be kept as the answer to replay for that exact request.
            self.body["attempt"] = attempt
            answer = self._send(url)
            if answer.status_code not in (401, 404) or time.monotonic() > deadline:
                break
            self._sleep(1.0)  # the new key or device not read yet: SSM and DynamoDB reads are eventually consistent
        body = _json(answer)
        if answer.status_code != 200 or body.get("accepted") != 1:
            raise StepFailed(f"HTTP {answer.status_code} from {url}: {answer.text[:300]}", _advice(answer.status_code))
        if answer.headers.get("x-inlet-replayed"):
            raise StepFailed("the first request was answered as a replay", "report this: a new request is stored")
        self._answer = body
        return f"HTTP 200 from {url}, record {body['items'][0]['id']}"

    def read_back(self) -> str:
        wanted = self._answer["items"][0]["id"]
        records = self.target.record_store()
        deadline = time.monotonic() + VISIBLE_WITHIN
        while True:
            found = [r for r in records.latest(self.tenant, self.serial, limit=5) if r.get("id") == wanted]
            if found or time.monotonic() > deadline:
                break
            self._sleep(1.0)
        if not found:
            raise StepFailed(
                f"record {wanted} not in {self.target.records_table} after {VISIBLE_WITHIN:.0f} s",
                "the endpoint answered 200 without storing: check the uplink function's logs and its table names",
            )
        if found[0].get("payload") != PAYLOAD:
            raise StepFailed(f"record {wanted} holds payload {found[0].get('payload')!r}", "check the key's mapping")
        return f"record {wanted} in {self.target.records_table}"

    def replay(self) -> str:
        answer = self._send(self.target.require("uplink_url"))
        if answer.status_code != 200 or answer.headers.get("x-inlet-replayed") != "true":
            raise StepFailed(
                f"HTTP {answer.status_code}, x-inlet-replayed: {answer.headers.get('x-inlet-replayed')!r}",
                "a retried request must not be stored twice: is DedupWindowSeconds 0? is the dedup table reachable?",
            )
        if _json(answer) != self._answer:
            raise StepFailed("the replayed answer differs from the first", "report this: a replay repeats the answer")
        return "HTTP 200, x-inlet-replayed: true, the same answer"

    # --- the deployment ----------------------------------------------------------------------------------------------
    def alias_is_latest(self) -> str:
        function = self._function("uplink_function")
        lambda_ = self.target.client("lambda")
        alias = lambda_.get_alias(FunctionName=function, Name=ALIAS)
        pages = lambda_.get_paginator("list_versions_by_function").paginate(FunctionName=function)
        latest = max(int(v["Version"]) for page in pages for v in page["Versions"] if v["Version"].isdigit())
        shifting = alias.get("RoutingConfig", {}).get("AdditionalVersionWeights")
        if shifting:
            raise StepFailed(
                f"{ALIAS} is on version {alias['FunctionVersion']} with traffic shifting to {shifting}",
                "a deployment is in progress (CodeDeploy canary or linear): run the check again when it is done",
            )
        if alias["FunctionVersion"] != str(latest):
            raise StepFailed(
                f"{ALIAS} is on version {alias['FunctionVersion']}, the latest published is {latest}",
                "the last deployment was rolled back (an alarm fired: see CodeDeploy's deployment and the alarms); "
                "fix the cause and deploy again",
            )
        return f"{function}:{ALIAS} -> version {latest}"

    def same_layer(self) -> str:
        uplink, deliver = self._function("uplink_function"), self._function("deliver_function")
        lambda_ = self.target.client("lambda")
        live = {x["Arn"] for x in lambda_.get_function_configuration(FunctionName=uplink, Qualifier=ALIAS)["Layers"]}
        worker = {x["Arn"] for x in lambda_.get_function_configuration(FunctionName=deliver).get("Layers", [])}
        if live != worker:
            raise StepFailed(
                f"{uplink}:{ALIAS} runs {sorted(live)}, {deliver} runs {sorted(worker)}",
                "the two functions run different code: deploy again (sam build && sam deploy) and rerun the check",
            )
        return ", ".join(sorted(live))

    # --- helpers -----------------------------------------------------------------------------------------------------
    def _function(self, field: str) -> str:
        if self.target.local:
            raise NotApplicable("not applicable locally: the local stack runs the handler in-process, without Lambda")
        return self.target.require(field)

    def _send(self, url: str) -> requests.Response:
        headers = {"Authorization": self._key, "Content-Type": "application/json"}
        try:
            return self._post(url, json=self.body, headers=headers, timeout=HTTP_TIMEOUT)
        except requests.RequestException as exc:
            raise StepFailed(
                f"no answer from {url}: {type(exc).__name__}",
                "is the stack deployed and its endpoint's DNS record in place (DomainName -> the Outputs' target)?",
            ) from None

    def _remove_records(self) -> None:
        dynamodb, table = self.target.client("dynamodb"), self.target.require("records_table")
        pages = dynamodb.get_paginator("query").paginate(
            TableName=table,
            KeyConditionExpression="device = :d",
            ExpressionAttributeValues={":d": {"S": device_key(self.tenant, self.serial)}},
            ProjectionExpression="device, sk",
        )
        for page in pages:
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key=item)


def run_step(name: str, action: Callable[[], str]) -> Step:
    started = time.monotonic()
    try:
        detail = action()
    except NotApplicable as exc:
        return Step(name, "not applicable", time.monotonic() - started, str(exc))
    except StepFailed as exc:
        return Step(name, "failed", time.monotonic() - started, exc.saw, exc.todo)
    except Exception as exc:  # an AWS or local error: shown as what the step saw, never a traceback
        return Step(name, "failed", time.monotonic() - started, f"{type(exc).__name__}: {exc}"[:400], _todo_for(exc))
    return Step(name, "passed", time.monotonic() - started, detail)


def _quietly(action: Callable[[], object]) -> str:
    action()
    return ""


def _todo_for(exc: Exception) -> str:
    if "AccessDenied" in str(exc) or "UnauthorizedOperation" in str(exc):
        return "your AWS credentials lack this permission: run the check as the stack's operator"
    return "check the stack's resources (Outputs) and your AWS credentials and region, then run the check again"


def _json(answer: requests.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _advice(status: int) -> str:
    if status in (401, 404):
        return "the new key or device was not seen in time: run the check again; if it persists, the stack's keys "
        "path or devices table is not the one the function reads"
    if status == 403:
        return "with EdgeProtection, send to the CloudFront URL (UplinkEndpoint), not the API's own URL"
    if status >= 500:
        return "the endpoint fails: read the uplink function's logs and the alarms; roll back if a deployment caused it"
    return "the endpoint refused the check's uplink: read the message above"
