"""Domain errors. Each carries the HTTP status it maps to; ``inlet.service.answers`` turns them into responses."""

from __future__ import annotations


class InletError(Exception):
    """An expected failure that the caller must hear about, with a precise status and message."""

    status = 400

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class MissingAuthorization(InletError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Missing authorization")


class InvalidAuthorization(InletError):
    status = 401

    def __init__(self) -> None:
        super().__init__("Invalid authorization")


class UnsupportedMediaType(InletError):
    status = 415


class BadRequest(InletError):
    status = 400


class PayloadTooLarge(InletError):
    status = 413


class DeviceNotFound(InletError):
    status = 404


class RequestInProgress(InletError):
    """An identical request is being processed right now; the sender should retry and will get its answer."""

    status = 409
    retry_after = 1


class ServiceUnavailable(InletError):
    """A dependency (SSM, DynamoDB, SQS) failed after retries; nothing was acknowledged, the sender must retry."""

    status = 503

    def __init__(self, message: str, retry_after: int = 5, **details: object) -> None:
        super().__init__(message, **details)
        self.retry_after = retry_after
