"""TagoIO's HTTP API (requests): resolve a device, post data, look data up by group.

One ``TagoApi`` per API URL, each with one ``requests.Session`` (connections are reused across warm invocations) and
connect/read timeouts on every call. Failures become three exceptions the callers act on: ``TagoThrottled`` (429,
with TagoIO's wait), ``TagoUnavailable`` (5xx, timeouts, connection errors: retry later) and ``TagoRejected`` (any
other 4xx: retrying cannot help). Tokens travel in headers and the authorization in the resolve path, so messages
here never include a URL, a header or an exception's text (requests puts URLs in its messages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from inlet.adapters import time_budget
from inlet.destinations.tagoio.delivery import retry_after_seconds

if TYPE_CHECKING:
    import requests

TIMEOUTS = (3.05, 10.0)  # connect, read (seconds)
NO_SUCH_DEVICE = (400, 404)  # resolve's answers read as "unknown serial" (assumed: docs/destinations.md)


class TagoError(Exception):
    pass


class TagoThrottled(TagoError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"TagoIO rate limit, retry after {retry_after} s")
        self.retry_after = retry_after


class TagoUnavailable(TagoError):
    """TagoIO did not answer usefully. ``ambiguous``: the request may have been processed (its answer was lost)."""

    def __init__(self, cause: str, ambiguous: bool) -> None:
        super().__init__(f"TagoIO unavailable: {cause}")
        self.cause = cause
        self.ambiguous = ambiguous


class TagoRejected(TagoError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"TagoIO refused with {status}: {message}")
        self.status = status
        self.message = message


class TagoApi:
    def __init__(self, base_url: str, session: requests.Session | None = None, timeouts=TIMEOUTS, pool: int = 16):
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._timeouts = timeouts
        self._pool = pool

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            # imported here: the uplink function loads this module for every key, requests is needed by TagoIO
            # keys only, and importing it costs ~25 ms of cold start
            import requests
            from requests.adapters import HTTPAdapter

            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=self._pool, max_retries=0)  # retries are ours
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._session = session
        return self._session

    def resolve(self, network_token: str, serial: str, authorization: str) -> str | None:
        """The device token of ``serial`` in the profile of ``authorization``; ``None`` when there is no such device.

        Only the 200 answer with the token is documented (specs/tagoio-api.yaml). 400 and 404 are read as "no such
        device" (assumed); any other refusal, and a 200 without a token, raise ``TagoRejected`` for this serial."""
        path = f"/integration/network/resolve/{quote(serial, safe='')}/{quote(authorization, safe='')}"
        try:
            answer = self._call("GET", path, {"Token": network_token}, ambiguous=False)
        except TagoRejected as refused:
            if refused.status in NO_SUCH_DEVICE:
                return None
            raise
        token = answer.get("result")
        if not isinstance(token, str) or not token:
            raise TagoRejected(200, "the answer carries no device token")
        return token

    def post_data(self, device_token: str, records: list[dict]) -> None:
        self._call("POST", "/data", {"Device-Token": device_token}, ambiguous=True, json=records)

    def post_data_answered(self, device_token: str, records: list[dict]) -> tuple[int, dict]:
        """``post_data``, with TagoIO's status and body (``inlet destinations test`` prints them); raises alike."""
        response = self._send("POST", "/data", {"Device-Token": device_token}, ambiguous=True, json=records)
        return response.status_code, _answer(response, ambiguous=True)

    def find_data(self, device_token: str, group: str, variable: str = "", qty: int = 1) -> list[dict]:
        """Records of one group (and variable): single values, the form the API description gives (``groups=g``;
        several would be ``groups[0]=a&groups[1]=b``, never commas)."""
        params = {"groups": group, "qty": qty}
        if variable:
            params["variables"] = variable
        answer = self._call("GET", "/data", {"Device-Token": device_token}, ambiguous=False, params=params)
        result = answer.get("result")
        return result if isinstance(result, list) else []

    def _call(self, method: str, path: str, headers: dict, ambiguous: bool, **kwargs) -> dict:
        return _answer(self._send(method, path, headers, ambiguous, **kwargs), ambiguous)

    def _send(self, method: str, path: str, headers: dict, ambiguous: bool, **kwargs) -> requests.Response:
        import requests  # loaded by self.session already; see there

        if not time_budget.allows(sum(self._timeouts)):  # a call that could outlive the invocation is not started
            raise TagoUnavailable("not enough time left in the invocation", ambiguous=False)
        try:
            response = self.session.request(
                method, self.base_url + path, headers=headers, timeout=self._timeouts, **kwargs
            )
        except requests.ConnectTimeout:
            raise TagoUnavailable("connect timeout", ambiguous=False) from None  # never chained: its text has the URL
        except (requests.ConnectionError, requests.Timeout) as exc:
            # A refused connection is not ambiguous, but requests does not tell it apart from a dropped answer.
            raise TagoUnavailable(type(exc).__name__, ambiguous=ambiguous) from None
        return response


def _answer(response: requests.Response, ambiguous: bool) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    message = _message(body)
    if response.status_code == 429:
        raise TagoThrottled(retry_after_seconds(response.headers.get("Retry-After"), message))
    if response.status_code >= 500:
        raise TagoUnavailable(f"HTTP {response.status_code}", ambiguous=ambiguous)
    if response.status_code >= 400 or body.get("status") is False:
        raise TagoRejected(response.status_code, message[:200])
    return body


def _message(body: dict) -> str:
    """TagoIO's error text: ``message``, else ``result`` (the official JS SDK reads ``message || result``,
    src/infrastructure/apiRequest.ts), else ``result.message``."""
    message, result = body.get("message"), body.get("result")
    if not message and isinstance(result, dict):
        message = result.get("message")
    elif not message and result not in (None, "", [], {}):
        message = result if isinstance(result, str) else str(result)
    return str(message or "")
