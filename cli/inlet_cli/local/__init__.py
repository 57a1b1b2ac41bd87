"""The local stack: the endpoint on this machine without an AWS account or Docker (``inlet local run | invoke``).

An AWS emulator with the template's tables and demo data (``stack``, ``env``, ``state``), an HTTP front that turns
requests into API Gateway events for the real handler (``http_server``, ``api_event``), and TagoIO forwarding
through the template's queues to the local TagoIO (``forward``, ``deliver``); ``changes`` tells it what the CLI's
``--local`` commands changed.
"""
