"""What an AWS SDK failure means for a delivery: shared by the kinds that call AWS (eventbridge, iot)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from inlet.destinations.kind import REFUSED, RETRY, Answer

# Errors a retry cannot fix: the request itself is wrong. Everything else (throttling, 5xx, access denied while a
# policy is being fixed, a bus being created) is retried: a destination is never given up on before its window.
NEVER_SUCCEED = {"ValidationException", "InvalidRequestException", "RequestEntityTooLargeException"}
SDK_ERRORS = (ClientError, BotoCoreError)


def sdk_failure(kind: str, exc: Exception) -> Answer:
    code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code", "") or type(exc).__name__
    status = REFUSED if code in NEVER_SUCCEED else RETRY
    return Answer(status, f"{kind}_{code}")
