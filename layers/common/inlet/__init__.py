"""Inlet: a self-hosted Generic HTTPS Endpoint for IoT uplinks.

Layering is one-way: ``functions/*/app.py`` (handlers) -> ``inlet.service`` (use cases) ->
``inlet.core`` (pure logic, no I/O) and ``inlet.adapters`` (boto3 / requests only).
"""
